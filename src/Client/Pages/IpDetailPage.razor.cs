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
public sealed partial class IpDetailPage : IDisposable
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _lifetime = new();
    private ViewState _state = ViewState.Default;
    private DisplayZone _zone = DisplayZone.Utc;
    private List<HostInfo>? _hosts;
    private IpDetail? _detail;
    private List<MemoryPoint> _memory = [];
    private List<HostEventItem> _events = [];
    private string _apiQuery = "";
    private string? _error;
    private bool _loaded;
    private DateTimeOffset _from;
    private DateTimeOffset _to;

    [Inject]
    private DashboardApiClient Api { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Parameter]
    public string Ip { get; set; } = "";

    // The view lives in the query string, and Blazor sets a page's parameters again only when they change:
    // as parameters, the view's keys make a navigation that changes only them (a zoom, a preset, live) reload.
    [SupplyParameterFromQuery(Name = "range")]
    public string? RangeKey { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? FromKey { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? ToKey { get; set; }

    [SupplyParameterFromQuery(Name = "host")]
    public string? HostKey { get; set; }

    [SupplyParameterFromQuery(Name = "tz")]
    public string? ZoneKey { get; set; }

    [SupplyParameterFromQuery(Name = "live")]
    public string? LiveKey { get; set; }

    protected override void OnInitialized() => _ = RetryLoopAsync(_lifetime.Token);

    // On the first render and on every navigation that changes the view (see the query keys above).
    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _state = ViewState.Parse(new Uri(Navigation.Uri).Query);
        (_from, _to) = _state.Resolve(DateTimeOffset.UtcNow);
        var ct = _lifetime.Token;
        try
        {
            _hosts ??= await Api.GetHostsAsync(ct);
            _apiQuery = _state.ApiQuery(DateTimeOffset.UtcNow);
            _detail = await Api.GetIpAsync(Ip, _apiQuery, ct);
            if (_detail is not null)
            {
                var hostsOfIp = _detail.Hosts.Select(h => h.Host).ToHashSet();
                var zoneHost = _state.Host ?? (hostsOfIp.Count == 1 ? hostsOfIp.First() : null);
                _zone = DisplayZone.For(_state.Zone, _hosts.FirstOrDefault(h => h.Name == zoneHost)?.TimeZone);
                var memory = Api.GetMemoryAsync(_apiQuery, ct);
                var events = Api.GetEventsAsync(_apiQuery, ct);
                _memory = [.. (await memory).Where(m => hostsOfIp.Contains(m.Host))];
                _events = [.. (await events).Where(e => hostsOfIp.Contains(e.Host))];
            }
            _error = null;
            _loaded = true;
        }
        catch (ApiUnavailableException e)
        {
            _error = e.Message;
        }
        catch (SignInRequiredException)
        {
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        StateHasChanged();
    }

    private async Task RetryLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RetryEvery);
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (_error is not null || _state.Live)
            {
                await InvokeAsync(LoadAsync);
            }
        }
    }

    private static TrafficResponse Timeline(IpDetail detail) => new(
        detail.StepSeconds,
        [.. detail.Timeline.Select(p => p.Time)],
        [.. detail.Timeline.Select(p => p.Count)],
        [new TrafficSeries(detail.Ip, [.. detail.Timeline.Select(p => p.Count)])],
        [.. detail.Timeline.Select(_ => 0L)]);

    private string OverviewLink() => _state.ToQuery() is { Length: > 0 } query ? "?" + query : "./";

    private string CsvLink() => $"api/v1/ips/{Uri.EscapeDataString(_detail!.Ip)}/requests.csv?{_apiQuery}";

    private Task NavigateAsync(ViewState state)
    {
        var query = state.ToQuery();
        Navigation.NavigateTo($"ips/{Uri.EscapeDataString(Ip)}" + (query.Length == 0 ? "" : "?" + query));
        return Task.CompletedTask;
    }

    private Task ZoomAsync((DateTimeOffset From, DateTimeOffset To) range) => NavigateAsync(_state.WithRange(range.From, range.To));

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
