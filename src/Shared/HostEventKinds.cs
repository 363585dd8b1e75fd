namespace Dashboard.Shared;

/// <summary>The kinds of memory event a host's logs give (<see cref="HostEventItem.Kind"/>).</summary>
public static class HostEventKinds
{
    /// <summary>The kernel's OOM killer killed a process: one event per killed process.</summary>
    public const string OomKill = "oom-kill";

    /// <summary>A process invoked the OOM killer (the kill, if any, is its own event).</summary>
    public const string OomInvoked = "oom-invoked";

    /// <summary>systemd-oomd killed (or marked for killing) a unit.</summary>
    public const string OomdKill = "oomd-kill";

    /// <summary>The kernel failed to allocate a page.</summary>
    public const string AllocFailure = "alloc-failure";
}
