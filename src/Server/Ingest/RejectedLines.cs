namespace Dashboard.Server.Ingest;

/// <summary>
/// A batch's rejected lines. Every one is counted by its reason (stored in rejected_counts); the first
/// ones are kept with their text for rejected_lines, up to <see cref="MaxKept"/> lines and
/// <see cref="MaxKeptChars"/> characters a batch (and a host's daily allowance, applied when stored), so
/// that a body of a million bad lines costs a count, not a million rows.
/// </summary>
internal sealed class RejectedLines
{
    public const int MaxKept = 1000;
    public const long MaxKeptChars = 1024 * 1024;
    public const int MaxReportedErrors = 20;

    /// <summary>Reasons are the server's own sentences; past this many in one batch the rest share one.</summary>
    private const int MaxReasons = 100;
    private const string OtherReasons = "other reasons (more than 100 kinds in one batch)";

    private readonly List<Kept> _kept = [];
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly List<IngestError> _reported = [];
    private long _keptChars;

    public readonly record struct Kept(int Line, string Reason, string Text);

    public int Count { get; private set; }

    /// <summary>The first rejections, for the answer.</summary>
    public IReadOnlyList<IngestError> Reported => _reported;

    /// <summary>The lines kept to be stored, in the order they were rejected.</summary>
    public IReadOnlyList<Kept> KeptLines => _kept;

    public IReadOnlyDictionary<string, long> CountByReason => _byReason;

    public long KeptChars => _keptChars;

    public void Add(int line, string reason, ReadOnlySpan<char> text)
    {
        Count++;
        if (!_byReason.ContainsKey(reason) && _byReason.Count >= MaxReasons)
        {
            reason = OtherReasons;
        }
        _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
        if (_reported.Count < MaxReportedErrors)
        {
            _reported.Add(new IngestError(line, reason));
        }
        var kept = text.Length > LineReader.MaxLineBytes ? text[..LineReader.MaxLineBytes] : text;
        if (_kept.Count < MaxKept && _keptChars + kept.Length <= MaxKeptChars)
        {
            _kept.Add(new Kept(line, reason, kept.ToString()));
            _keptChars += kept.Length;
        }
    }
}
