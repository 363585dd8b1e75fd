using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>RFC 3164 and RFC 5424 lines.</summary>
public static class SyslogLineParser
{
    public static bool TryParse(ReadOnlySpan<char> line, SyslogDefaults defaults, out SyslogMessage message, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();
}
