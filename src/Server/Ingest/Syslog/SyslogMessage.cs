namespace Dashboard.Server.Ingest.Syslog;

/// <summary>One syslog or journald record, its time converted to UTC.</summary>
public readonly record struct SyslogMessage(
    DateTime TimeUtc,
    string? Hostname,
    string? Program,
    int? Pid,
    int? Facility,
    int? Severity,
    string Message);

/// <summary>What RFC 3164 lines lack: the zone they were written in and, optionally, their year.</summary>
public sealed record SyslogDefaults(TimeZoneInfo TimeZone, int? Year, DateTimeOffset ReceivedAt);
