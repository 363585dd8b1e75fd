using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Server.Tests.Ingest.Apache;

/// <summary>An <see cref="AccessLine"/> copied out of its spans, so tests can hold and compare it.</summary>
internal sealed record ParsedLine(
    DateTime TimeUtc,
    string ClientIp,
    string RemoteUser,
    string Method,
    string Path,
    string Protocol,
    int Status,
    long Bytes,
    string Referer,
    string UserAgent,
    long ResponseTimeMicros,
    string VirtualHost,
    IReadOnlyDictionary<string, string> Extras)
{
    public static LogFormat Compile(string format)
    {
        Assert.True(LogFormat.TryCompile(format, out var compiled, out var error), error);
        return compiled;
    }

    public static ParsedLine Parse(string format, string line, TimeZoneInfo? zone = null) =>
        Parse(Compile(format).CreateParser(zone ?? TimeZoneInfo.Utc), Compile(format), line);

    public static ParsedLine Parse(AccessLineParser parser, LogFormat format, string line)
    {
        Assert.True(parser.TryParse(line, out var entry, out var error), error);
        Assert.Equal(DateTimeKind.Utc, entry.TimeUtc.Kind);
        var extras = new Dictionary<string, string>();
        for (var i = 0; i < format.ExtraFieldNames.Count; i++)
        {
            var value = entry.ExtraSource[entry.ExtraRanges[i]];
            if (!value.IsEmpty)
            {
                extras[format.ExtraFieldNames[i]] = value.ToString();
            }
        }
        return new ParsedLine(entry.TimeUtc, entry.ClientIp.ToString(), entry.RemoteUser.ToString(), entry.Method.ToString(),
            entry.Path.ToString(), entry.Protocol.ToString(), entry.Status, entry.Bytes, entry.Referer.ToString(),
            entry.UserAgent.ToString(), entry.ResponseTimeMicros, entry.VirtualHost.ToString(), extras);
    }

    /// <summary>The reason a line is rejected; fails the test when it is accepted.</summary>
    public static string Reject(string format, string line)
    {
        var parser = Compile(format).CreateParser(TimeZoneInfo.Utc);
        Assert.False(parser.TryParse(line, out _, out var error), "the line was accepted");
        return error;
    }

    public static DateTime Utc(string iso) =>
        DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
}
