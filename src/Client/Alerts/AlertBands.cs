using Dashboard.Client.Charts;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Alerts;

/// <summary>
/// Alerts on a chart's time axis: a shaded band from when each started to when it ended (a firing one reaches
/// the end of the view), labelled at the foot of the plot, out of the way of the kills' labels at the top.
/// </summary>
public static class AlertBands
{
    public const string CriticalColor = "#ff7b3a";
    public const string WarningColor = "#f4b942";
    private const int MaxRows = 6;

    public static IReadOnlyList<XAnnotation> For(IEnumerable<AlertItem> alerts, DisplayZone zone, DateTimeOffset from, DateTimeOffset to)
    {
        var (min, max) = (zone.ToChartMillis(from), zone.ToChartMillis(to));
        List<XAnnotation> bands = [];
        foreach (var alert in alerts.Where(AlertSentences.IsTold).OrderBy(a => a.StartsAt).ThenBy(a => a.Id))
        {
            var start = Math.Max(min, zone.ToChartMillis(alert.StartsAt));
            var end = Math.Min(max, zone.ToChartMillis(alert.EndsAt ?? to));
            if (end < start)
            {
                continue;
            }
            // A band that starts inside another's label goes a row higher, so that both labels read.
            var row = bands.Count(b => b.X2 > start) % MaxRows;
            var color = alert.Severity == AlertSeverities.Critical ? CriticalColor : WarningColor;
            bands.Add(new XAnnotation(start, Label(alert), color, LabelRow: row, X2: end));
        }
        return bands;
    }

    /// <summary>"202.215.15.8: Range-header DoS pattern", or for a host's alert what happened.</summary>
    public static string Label(AlertItem alert) =>
        alert.Ip is null ? AlertSentences.ShortName(alert) : $"{alert.Ip}: {AlertSentences.ShortName(alert)}";
}
