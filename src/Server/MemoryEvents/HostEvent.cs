namespace Dashboard.Server.MemoryEvents;

/// <summary>A memory event found in kernel or systemd-oomd messages.</summary>
public sealed record HostEvent(
    DateTime TimeUtc,
    string Kind,
    int? Pid,
    string? Process,
    int? Score,
    long? TotalVmKb,
    long? AnonRssKb,
    string Message)
{
    /// <summary>
    /// How far apart the lines of one kill may be timed: the kernel logs them within milliseconds, but
    /// syslog times have whole seconds and relays add delay. The detector joins the lines of one batch
    /// within it; the store merges a kill whose lines came in two batches within it.
    /// </summary>
    public static readonly TimeSpan SameKillWindow = TimeSpan.FromSeconds(10);
}
