using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Loki;

internal enum LokiStreamKind
{
    Access,
    Syslog,
    Meminfo,
}

/// <summary>
/// What a Loki stream's labels say about its lines: their kind, the zone of times without an offset, and
/// whether they are this token's host's at all.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Kind: the labels <c>kind</c>, <c>type</c>, <c>log_type</c>, <c>job</c>, then the base name of
/// <c>filename</c>, in that order; the first whose value names a kind decides. A value containing
/// <c>access</c> is the access log (<c>access</c>, <c>apache-access</c>, <c>access_log</c>, <c>ssl_access.log</c>);
/// one containing <c>meminfo</c> is /proc/meminfo; one starting with <c>syslog</c>, <c>messages</c>,
/// <c>kern</c>, <c>journal</c> or <c>system</c> is syslog (<c>messages</c>, <c>syslog</c>, <c>kernel</c>,
/// <c>kern.log</c>, <c>journald</c>). Other values (Fluent Bit's default <c>job=fluent-bit</c>) say nothing.
/// A stream no label classifies is rejected.</item>
/// <item>Host: a <c>host</c> or <c>hostname</c> label must name the token's host: the same name (any case),
/// its fully qualified form (<c>web1.example.com</c> for host <c>web1</c>) or its first label. A stream of
/// another host is rejected, never stored under this one. No such label: the token's host.</item>
/// <item>Zone: a <c>timezone</c> label (IANA name), else the host's zone.</item>
/// </list>
/// </remarks>
internal static class LokiLabels
{
    private static readonly string[] KindLabels = ["kind", "type", "log_type", "job", "filename"];
    private static readonly string[] HostLabels = ["host", "hostname"];
    private static readonly string[] SyslogPrefixes = ["syslog", "messages", "kern", "journal", "system"];

    public static bool TryRead(IReadOnlyDictionary<string, string> labels, IngestHost host, TimeZoneInfo hostZone,
        out LokiStreamKind kind, out TimeZoneInfo zone, [NotNullWhen(false)] out string? rejection)
    {
        kind = default;
        zone = hostZone;
        foreach (var name in HostLabels)
        {
            if (labels.TryGetValue(name, out var value) && !host.IsNamed(value))
            {
                rejection = $"the stream's {name} label names another host than this token's ('{host.Name}')";
                return false;
            }
        }
        if (!TryGetKind(labels, out kind))
        {
            rejection = "no label says what the lines are: set kind=access, kind=syslog or kind=meminfo";
            return false;
        }
        if (labels.TryGetValue("timezone", out var zoneName) && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out zone!))
        {
            zone = hostZone;
            rejection = "the stream's timezone label is not a known IANA time zone";
            return false;
        }
        rejection = null;
        return true;
    }

    public static bool TryGetKind(IReadOnlyDictionary<string, string> labels, out LokiStreamKind kind)
    {
        foreach (var name in KindLabels)
        {
            if (labels.TryGetValue(name, out var value)
                && KindOf(name == "filename" ? value[(value.LastIndexOfAny(['/', '\\']) + 1)..] : value) is { } found)
            {
                kind = found;
                return true;
            }
        }
        kind = default;
        return false;
    }

    private static LokiStreamKind? KindOf(string value)
    {
        if (value.Contains("access", StringComparison.OrdinalIgnoreCase))
        {
            return LokiStreamKind.Access;
        }
        if (value.Contains("meminfo", StringComparison.OrdinalIgnoreCase))
        {
            return LokiStreamKind.Meminfo;
        }
        foreach (var prefix in SyslogPrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return LokiStreamKind.Syslog;
            }
        }
        return null;
    }
}
