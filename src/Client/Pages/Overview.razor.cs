using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Pages;

/// <summary>
/// The overview: who is hitting us, since when, and is it what eats the memory. In live mode the charts
/// update in place, so zoom, scroll and focus stay where the operator left them.
/// </summary>
public sealed partial class Overview : ViewPage<OverviewData>
{
    private const int ChartIps = 5;
    private const int TableIps = 50;

    protected override async Task<OverviewData> FetchAsync(TimeRange range, CancellationToken ct)
    {
        var traffic = Api.GetTrafficAsync(range, ChartIps, ct);
        var ips = Api.GetIpsAsync(range, TableIps, ct);
        var memory = Api.GetMemoryAsync(range, ct);
        var events = Api.GetEventsAsync(range, ct);
        var alerts = Api.GetAlertsAsync(range, AlertCriteria.None, ct);
        await Task.WhenAll(traffic, ips, memory, events, alerts);
        return new OverviewData(await traffic, await ips, await memory, await events, await alerts);
    }

    protected override string Address(ViewState view) => view.Link("");

    /// <summary>The zone of the host being looked at; with all hosts, theirs if they share one.</summary>
    protected override string? HostZone(OverviewData data, IReadOnlyList<HostInfo> hosts)
    {
        if (View.Host is not null)
        {
            return hosts.FirstOrDefault(h => h.Name == View.Host)?.TimeZone;
        }
        var zones = hosts.Select(h => h.TimeZone).Distinct().ToList();
        return zones is { Count: 1 } ? zones[0] : null;
    }

    private Task CentreOnEventAsync(HostEventItem e) => NavigateAsync(View.CentredOn(e.Time, DateTimeOffset.UtcNow));

    private Task CentreOnMarkerAsync(long chartMillis) => NavigateAsync(View.CentredOn(Zone.FromChartMillis(chartMillis), DateTimeOffset.UtcNow));
}

/// <summary>What the overview shows for one view.</summary>
public sealed record OverviewData(TrafficResponse Traffic, List<IpSummary> Ips, List<MemoryPoint> Memory, List<HostEventItem> Events, List<AlertItem> Alerts);
