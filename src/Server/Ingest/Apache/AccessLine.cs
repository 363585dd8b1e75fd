namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// One parsed access-log line. Spans point into the line or the parser's scratch buffer and are empty
/// where the format lacks the field or the log wrote "-". Numbers are -1 where absent.
/// </summary>
public ref struct AccessLine
{
    public DateTime TimeUtc { get; set; }
    /// <summary>A syntactically valid IPv4 or IPv6 literal.</summary>
    public ReadOnlySpan<char> ClientIp { get; set; }
    public ReadOnlySpan<char> RemoteUser { get; set; }
    /// <summary>Empty when the request line is not <c>METHOD TARGET PROTOCOL</c>.</summary>
    public ReadOnlySpan<char> Method { get; set; }
    /// <summary>The request target with its query; the whole request text when it is not a request line.</summary>
    public ReadOnlySpan<char> Path { get; set; }
    public ReadOnlySpan<char> Protocol { get; set; }
    public int Status { get; set; }
    public long Bytes { get; set; }
    public ReadOnlySpan<char> Referer { get; set; }
    public ReadOnlySpan<char> UserAgent { get; set; }
    public long ResponseTimeMicros { get; set; }
    public ReadOnlySpan<char> VirtualHost { get; set; }
    /// <summary>Values of <see cref="LogFormat.ExtraFieldNames"/>, in that order; valid until the next parse.</summary>
    public ReadOnlySpan<Range> ExtraRanges { get; set; }
    /// <summary>The text the <see cref="ExtraRanges"/> index into.</summary>
    public ReadOnlySpan<char> ExtraSource { get; set; }
}
