using Dashboard.Client.Api;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// A page whose view (range, host, zone, live) lives in the URL: every change navigates and the page reads
/// the URL again. Loads are numbered so that a slower, older one never overwrites a newer one; live mode
/// reloads every few seconds, and an unreachable API is retried whatever the mode.
/// </summary>
public abstract class ViewPage : ComponentBase, IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _lifetime = new();
    private int _loadNumber;

    [Inject]
    protected DashboardApiClient Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

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

    protected DisplayZone Zone { get; set; } = DisplayZone.Utc;

    /// <summary>Why the last load failed (the API cannot be reached); null once one succeeds.</summary>
    protected string? Error { get; private set; }

    /// <summary>
    /// Fetches what the page shows for <see cref="View"/>, and returns how to show it: the returned action
    /// runs only when no newer load has started meanwhile.
    /// </summary>
    protected abstract Task<Action> FetchAsync(CancellationToken ct);

    /// <summary>The page's own address for a view (its path and the view's query).</summary>
    protected abstract string Address(ViewState view);

    protected override void OnInitialized() => _ = RefreshLoopAsync(_lifetime.Token);

    // On the first render and on every navigation that changes the view (see the query keys above).
    protected override Task OnParametersSetAsync() => LoadAsync();

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
        (From, To) = View.Resolve(DateTimeOffset.UtcNow);
        var ct = _lifetime.Token;
        try
        {
            Hosts ??= await Api.GetHostsAsync(ct);
            var show = await FetchAsync(ct);
            if (number == _loadNumber)
            {
                show();
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
}
