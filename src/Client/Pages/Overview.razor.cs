using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Pages;

/// <summary>
/// The overview: who is hitting us, since when, and is it what eats the memory. In live mode the charts
/// update in place, so zoom, scroll and focus stay where the operator left them.
/// </summary>
public sealed partial class Overview : ViewPage
{
    private const int ChartIps = 5;
    private const int TableIps = 50;

    private OverviewData? _data;

    private sealed record OverviewData(TrafficResponse Traffic, List<IpSummary> Ips, List<MemoryPoint> Memory, List<HostEventItem> Events);

    protected override async Task<Action> FetchAsync(CancellationToken ct)
    {
        var zone = DisplayZone.For(View.Zone, HostZone());
        var query = View.ApiQuery(DateTimeOffset.UtcNow);
        var traffic = Api.GetTrafficAsync(query, ChartIps, ct);
        var ips = Api.GetIpsAsync(query, TableIps, ct);
        var memory = Api.GetMemoryAsync(query, ct);
        var events = Api.GetEventsAsync(query, ct);
        var data = new OverviewData(await traffic, await ips, await memory, await events);
        return () =>
        {
            Zone = zone;
            _data = data;
        };
    }

    protected override string Address(ViewState view) => view.Link("");

    /// <summary>The zone of the host being looked at; with all hosts, theirs if they share one.</summary>
    private string? HostZone()
    {
        if (View.Host is not null)
        {
            return Hosts?.FirstOrDefault(h => h.Name == View.Host)?.TimeZone;
        }
        var zones = Hosts?.Select(h => h.TimeZone).Distinct().ToList();
        return zones is { Count: 1 } ? zones[0] : null;
    }

    private Task CentreOnEventAsync(HostEventItem e) => NavigateAsync(View.CentredOn(e.Time, DateTimeOffset.UtcNow));

    private Task CentreOnMarkerAsync(long chartMillis) => NavigateAsync(View.CentredOn(Zone.FromChartMillis(chartMillis), DateTimeOffset.UtcNow));
}
