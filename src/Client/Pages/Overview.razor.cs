using Dashboard.Client.Api;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// The overview: who is hitting us, since when, and is it what eats the memory. The URL holds the view;
/// every change navigates, and the page reads the URL again. Live mode reloads every few seconds and
/// the charts update in place, so zoom, scroll and focus stay where the operator left them.
/// </summary>
public sealed partial class Overview : IDisposable
{
    private const int ChartIps = 5;
    private const int TableIps = 50;
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _lifetime = new();
    private ViewState _state = ViewState.Default;
    private DisplayZone _zone = DisplayZone.Utc;
    private List<HostInfo>? _hosts;
    private OverviewData? _data;
    private string? _error;
    private DateTimeOffset _from;
    private DateTimeOffset _to;
    private int _loadNumber;

    [Inject]
    private DashboardApiClient Api { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

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

    private sealed record OverviewData(TrafficResponse Traffic, List<IpSummary> Ips, List<MemoryPoint> Memory, List<HostEventItem> Events);

    protected override void OnInitialized() => _ = RefreshLoopAsync(_lifetime.Token);

    // On the first render and on every navigation that changes the view (see the query keys above).
    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var number = ++_loadNumber;
        _state = ViewState.Parse(new Uri(Navigation.Uri).Query);
        (_from, _to) = _state.Resolve(DateTimeOffset.UtcNow);
        var ct = _lifetime.Token;
        try
        {
            _hosts ??= await Api.GetHostsAsync(ct);
            _zone = DisplayZone.For(_state.Zone, HostZone());
            var query = _state.ApiQuery(DateTimeOffset.UtcNow);
            var traffic = Api.GetTrafficAsync(query, ChartIps, ct);
            var ips = Api.GetIpsAsync(query, TableIps, ct);
            var memory = Api.GetMemoryAsync(query, ct);
            var events = Api.GetEventsAsync(query, ct);
            var data = new OverviewData(await traffic, await ips, await memory, await events);
            // A slower, older load must not overwrite a newer one.
            if (number == _loadNumber)
            {
                _data = data;
                _error = null;
            }
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

    /// <summary>Live mode reloads; an unreachable API is retried whatever the mode.</summary>
    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (_state.Live || _error is not null)
            {
                if (_error is not null)
                {
                    _hosts = null;
                }
                await InvokeAsync(LoadAsync);
            }
        }
    }

    /// <summary>The zone of the host being looked at; with all hosts, theirs if they share one.</summary>
    private string? HostZone()
    {
        if (_state.Host is not null)
        {
            return _hosts?.FirstOrDefault(h => h.Name == _state.Host)?.TimeZone;
        }
        var zones = _hosts?.Select(h => h.TimeZone).Distinct().ToList();
        return zones is { Count: 1 } ? zones[0] : null;
    }

    private Task NavigateAsync(ViewState state)
    {
        var query = state.ToQuery();
        Navigation.NavigateTo(query.Length == 0 ? "" : "?" + query);
        return Task.CompletedTask;
    }

    private Task ZoomAsync((DateTimeOffset From, DateTimeOffset To) range) => NavigateAsync(_state.WithRange(range.From, range.To));

    private Task CentreOnEventAsync(HostEventItem e) => NavigateAsync(_state.CentredOn(e.Time, DateTimeOffset.UtcNow));

    private Task CentreOnMarkerAsync(long chartMillis) => NavigateAsync(_state.CentredOn(_zone.FromChartMillis(chartMillis), DateTimeOffset.UtcNow));

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
