namespace Dashboard.Server.Ingest.Syslog;

/// <summary>A memory event found in kernel or systemd-oomd messages.</summary>
public sealed record HostEvent(
    DateTime TimeUtc,
    string Kind,
    int? Pid,
    string? Process,
    int? Score,
    long? TotalVmKb,
    long? AnonRssKb,
    string Message);
