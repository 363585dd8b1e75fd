using Dashboard.Client.Api;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// A page whose view (range, host, zone, live) lives in the URL: every change navigates and the page reads
/// the URL again. Loads are numbered so that a slower, older one never overwrites a newer one; live mode
/// reloads every few seconds, and an unreachable API is retried whatever the mode.
/// <para>
/// The server draws the page first, with its data, and hands what it showed to the browser (<see cref="Shown"/>),
/// which shows the same without asking again: the operator sees the incident before WebAssembly has started.
/// </para>
/// </summary>
/// <typeparam name="TData">What the page fetches for a view and shows.</typeparam>
public abstract class ViewPage<TData> : ComponentBase, IDisposable
    where TData : class
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _lifetime = new();
    private ShownView? _handedOver;
    private int _loadNumber;

    [Inject]
    protected IReadApi Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IOperatorBrowser Browser { get; set; } = default!;

    /// <summary>
    /// What the page shows, for the address it shows it at. Drawn on the server, the page hands it to the
    /// browser with its HTML (persistent component state).
    /// </summary>
    [PersistentState]
    public ShownView? Shown { get; set; }

    // Blazor sets a page's parameters again only when they change: as parameters, the view's keys make a
    // navigation that changes only them (a zoom, a preset, live) reload the page.
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

    protected ViewState View { get; private set; } = ViewState.Default;

    protected DateTimeOffset From { get; private set; }

    protected DateTimeOffset To { get; private set; }

    protected List<HostInfo>? Hosts { get; private set; }

    /// <summary>What was fetched for the view shown; null until the first load has succeeded.</summary>
    protected TData? Data { get; private set; }

    /// <summary>The range <see cref="Data"/> was fetched for.</summary>
    protected TimeRange? DataRange { get; private set; }

    protected DisplayZone Zone { get; private set; } = DisplayZone.Utc;

    /// <summary>Why the last load failed (the API cannot be reached); null once one succeeds.</summary>
    protected string? Error { get; private set; }

    /// <summary>Fetches what the page shows for <see cref="View"/>, over its range.</summary>
    protected abstract Task<TData> FetchAsync(TimeRange range, CancellationToken ct);

    /// <summary>The time zone of the host the data is about, if it is about one (or all its hosts share one).</summary>
    protected abstract string? HostZone(TData data, IReadOnlyList<HostInfo> hosts);

    /// <summary>The page's own address for a view (its path and the view's query).</summary>
    protected abstract string Address(ViewState view);

    // What the server drew and handed over, if it is of this address: shown without asking the API again.
    protected override void OnInitialized() => _handedOver = Shown?.Address == Here() ? Shown : null;

    // On the first render and on every navigation that changes the view (see the query keys above).
    protected override Task OnParametersSetAsync()
    {
        if (_handedOver is { } shown)
        {
            _handedOver = null;
            View = ViewState.Parse(new Uri(Navigation.Uri).Query);
            (From, To) = (shown.Range.From, shown.Range.To);
            Show(shown);
            return Task.CompletedTask;
        }
        return LoadAsync();
    }

    protected Task NavigateAsync(ViewState view)
    {
        Navigation.NavigateTo(Address(view));
        return Task.CompletedTask;
    }

    protected Task ZoomAsync((DateTimeOffset From, DateTimeOffset To) range) => NavigateAsync(View.WithRange(range.From, range.To));

    private async Task LoadAsync()
    {
        var number = ++_loadNumber;
        View = ViewState.Parse(new Uri(Navigation.Uri).Query);
        var range = View.Range(DateTimeOffset.UtcNow);
        (From, To) = (range.From, range.To);
        if (View.Zone == ZoneMode.Browser && Browser.TimeZone is null)
        {
            return; // drawn on the server for a browser whose zone it does not know: the browser loads it
        }
        var address = Here();
        var ct = _lifetime.Token;
        try
        {
            var hosts = Hosts is { } known ? Task.FromResult(known) : Api.GetHostsAsync(ct);
            var data = FetchAsync(range, ct);
            await Task.WhenAll(hosts, data);
            if (number == _loadNumber)
            {
                Show(new ShownView(address, range, await hosts, await data));
                Error = null;
            }
        }
        catch (ApiUnavailableException e) when (number == _loadNumber)
        {
            Error = e.Message;
        }
        catch (ApiUnavailableException)
        {
            return;
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

    // Rendering is over on the server once the page is drawn: only in the browser does a page render again,
    // and refresh.
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = RefreshLoopAsync(_lifetime.Token);
        }
    }

    private void Show(ShownView shown)
    {
        Shown = shown;
        Hosts = shown.Hosts;
        Data = shown.Data;
        DataRange = shown.Range;
        Zone = DisplayZone.For(View.Zone, HostZone(shown.Data, shown.Hosts), Browser.TimeZone ?? TimeZoneInfo.Utc);
    }

    private string Here() => Navigation.ToBaseRelativePath(Navigation.Uri);

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (View.Live || Error is not null)
            {
                if (Error is not null)
                {
                    // The hosts are fetched again too: the failure may have been theirs.
                    Hosts = null;
                }
                await InvokeAsync(LoadAsync);
            }
        }
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a page showed, for the address it showed it at.</summary>
    public sealed record ShownView(string Address, TimeRange Range, List<HostInfo> Hosts, TData Data);
}
