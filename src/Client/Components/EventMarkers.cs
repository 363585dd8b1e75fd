using Dashboard.Client.Charts;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Components;

/// <summary>Memory events as chart markers: kills stand out with a label, the rest stay quiet.</summary>
public static class EventMarkers
{
    /// <summary>Labels closer than this share of the chart's width go on rows below each other.</summary>
    private const double LabelWidthShare = 1 / 12.0;
    private const int MaxRows = 12;

    public static bool IsKill(HostEventItem e) => e.Kind is HostEventKinds.OomKill or HostEventKinds.OomdKill;

    public static IReadOnlyList<XAnnotation> For(IEnumerable<HostEventItem> events, DisplayZone zone, bool severalHosts, DateTimeOffset from, DateTimeOffset to)
    {
        var labelWidth = (long)((zone.ToChartMillis(to) - zone.ToChartMillis(from)) * LabelWidthShare);
        List<XAnnotation> markers = [];
        long? rowStart = null;
        var row = 0;
        foreach (var e in events.OrderBy(e => e.Time))
        {
            var x = zone.ToChartMillis(e.Time);
            if (!IsKill(e))
            {
                markers.Add(new XAnnotation(x, ""));
                continue;
            }
            // A kill close to the previous labelled one goes a row lower; a kill clear of it starts again at the top.
            row = rowStart is { } start && x - start < labelWidth ? (row + 1) % MaxRows : 0;
            rowStart = row == 0 ? x : rowStart;
            markers.Add(new XAnnotation(x, Label(e, severalHosts), Strong: true, LabelRow: row));
        }
        return markers;
    }

    /// <summary>"httpd 12921", with the host when the view shows several.</summary>
    public static string Label(HostEventItem e, bool severalHosts)
    {
        var what = e.Process is null ? e.Kind : e.Pid is null ? e.Process : $"{e.Process} {e.Pid}";
        return severalHosts ? $"{what} @ {e.Host}" : what;
    }
}
