using Dashboard.Client.Api;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// What exactly did this address do: its request rate over the range beside its hosts' memory and
/// kills, what it asked for, its raw requests, and rules to block it. The range comes from the URL,
/// as on the overview, and links back keep it.
/// </summary>
public sealed partial class IpDetailPage : ViewPage
{
    private IpDetail? _detail;
    private List<MemoryPoint> _memory = [];
    private List<HostEventItem> _events = [];
    private string _apiQuery = "";
    private bool _loaded;

    [Parameter]
    public string Ip { get; set; } = "";

    protected override async Task<Action> FetchAsync(CancellationToken ct)
    {
        var apiQuery = View.ApiQuery(DateTimeOffset.UtcNow);
        var detail = await Api.GetIpAsync(Ip, apiQuery, ct);
        var zone = Zone;
        List<MemoryPoint> memory = [];
        List<HostEventItem> events = [];
        if (detail is not null)
        {
            var hostsOfIp = detail.Hosts.Select(h => h.Host).ToHashSet();
            var zoneHost = View.Host ?? (hostsOfIp.Count == 1 ? hostsOfIp.First() : null);
            zone = DisplayZone.For(View.Zone, Hosts?.FirstOrDefault(h => h.Name == zoneHost)?.TimeZone);
            var allMemory = Api.GetMemoryAsync(apiQuery, ct);
            var allEvents = Api.GetEventsAsync(apiQuery, ct);
            memory = [.. (await allMemory).Where(m => hostsOfIp.Contains(m.Host))];
            events = [.. (await allEvents).Where(e => hostsOfIp.Contains(e.Host))];
        }
        return () =>
        {
            _apiQuery = apiQuery;
            _detail = detail;
            Zone = zone;
            _memory = memory;
            _events = events;
            _loaded = true;
        };
    }

    private static TrafficResponse Timeline(IpDetail detail) => new(
        detail.StepSeconds,
        [.. detail.Timeline.Select(p => p.Time)],
        [.. detail.Timeline.Select(p => p.Count)],
        [new TrafficSeries(detail.Ip, [.. detail.Timeline.Select(p => p.Count)])],
        [.. detail.Timeline.Select(_ => 0L)]);

    private string OverviewLink() => View.Link("./");

    private string CsvLink() => $"api/v1/ips/{Uri.EscapeDataString(_detail!.Ip)}/requests.csv?{_apiQuery}";

    protected override string Address(ViewState view) => view.Link($"ips/{Uri.EscapeDataString(Ip)}");
}
