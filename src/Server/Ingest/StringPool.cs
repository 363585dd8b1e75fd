namespace Dashboard.Server.Ingest;

/// <summary>
/// Hands out one string per distinct value within a batch: user agents, referers and methods repeat
/// on almost every line, and allocating each again would dominate the ingest path's garbage.
/// </summary>
internal sealed class StringPool(int maxEntries = 8192)
{
    private const int MaxPooledLength = 512;
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxPooledLength)
        {
            return value.ToString();
        }
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var pooled))
        {
            return pooled;
        }
        var created = value.ToString();
        if (_strings.Count < maxEntries)
        {
            _strings.Add(created);
        }
        return created;
    }
}
