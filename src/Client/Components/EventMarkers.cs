using Dashboard.Client.Charts;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Components;

/// <summary>Memory events as chart markers: kills stand out, the rest stay quiet.</summary>
public static class EventMarkers
{
    public static bool IsKill(HostEventItem e) => e.Kind is "oom-kill" or "oomd-kill";

    public static IReadOnlyList<XAnnotation> For(IEnumerable<HostEventItem> events, DisplayZone zone, bool severalHosts) =>
        [.. events.Select(e => new XAnnotation(
            zone.ToChartMillis(e.Time),
            IsKill(e) ? Label(e, severalHosts) : "",
            Strong: IsKill(e)))];

    /// <summary>"httpd 12921", with the host when the view shows several.</summary>
    public static string Label(HostEventItem e, bool severalHosts)
    {
        var what = e.Process is null ? e.Kind : e.Pid is null ? e.Process : $"{e.Process} {e.Pid}";
        return severalHosts ? $"{what} @ {e.Host}" : what;
    }
}
