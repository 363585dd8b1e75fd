using Dashboard.Client.Components;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// What exactly did this address do: its request rate over the range beside its hosts' memory and
/// kills, what it asked for, its raw requests, and rules to block it. The range comes from the URL,
/// as on the overview, and links back keep it.
/// </summary>
public sealed partial class IpDetailPage : ViewPage<IpDetailData>
{
    [Parameter]
    public string Ip { get; set; } = "";

    protected override async Task<IpDetailData> FetchAsync(TimeRange range, CancellationToken ct)
    {
        var detail = await Api.GetIpAsync(Ip, range, ct);
        if (detail is null)
        {
            return new IpDetailData(null, [], [], new RequestPage([], null), []);
        }
        var hostsOfIp = detail.Hosts.Select(h => h.Host).ToHashSet();
        var allMemory = Api.GetMemoryAsync(range, ct);
        var allEvents = Api.GetEventsAsync(range, ct);
        var requests = Api.GetRequestsAsync(Ip, range, null, RequestsTable.PageSize, ct);
        var allAlerts = Api.GetAlertsAsync(range, AlertCriteria.None, ct);
        await Task.WhenAll(allMemory, allEvents, requests, allAlerts);
        return new IpDetailData(
            detail,
            [.. (await allMemory).Where(m => hostsOfIp.Contains(m.Host))],
            [.. (await allEvents).Where(e => hostsOfIp.Contains(e.Host))],
            await requests,
            [.. (await allAlerts).Where(a => Concerns(a, detail.Ip))]);
    }

    /// <summary>The zone of the host chosen in the view, else of the one host the address was seen on.</summary>
    protected override string? HostZone(IpDetailData data, IReadOnlyList<HostInfo> hosts)
    {
        var zoneHost = View.Host ?? (data.Detail?.Hosts is [var only] ? only.Host : null);
        return hosts.FirstOrDefault(h => h.Name == zoneHost)?.TimeZone;
    }

    /// <summary>An alert about the address, or one that names it as a suspect.</summary>
    private static bool Concerns(AlertItem alert, string ip) =>
        alert.Ip == ip || alert.Evidence.Suspects?.Any(s => s.Ip == ip) == true;

    private static TrafficResponse Timeline(IpDetail detail) => new(
        detail.StepSeconds,
        [.. detail.Timeline.Select(p => p.Time)],
        [.. detail.Timeline.Select(p => p.Count)],
        [new TrafficSeries(detail.Ip, [.. detail.Timeline.Select(p => p.Count)])],
        [.. detail.Timeline.Select(_ => 0L)]);

    private string OverviewLink() => View.Link("./");

    private string CsvLink(IpDetail detail) => $"api/v1/ips/{Uri.EscapeDataString(detail.Ip)}/requests.csv?{DataRange!.ToQuery()}";

    protected override string Address(ViewState view) => view.Link($"ips/{Uri.EscapeDataString(Ip)}");
}

/// <summary>
/// What the drill-down shows for one view: the address's detail (null if it sent nothing), its hosts' memory and
/// events, the first page of its requests, and the alerts about it or naming it as a suspect.
/// </summary>
public sealed record IpDetailData(IpDetail? Detail, List<MemoryPoint> Memory, List<HostEventItem> Events, RequestPage Requests, List<AlertItem> Alerts);
