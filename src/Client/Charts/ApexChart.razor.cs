using System.ComponentModel;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Dashboard.Client.Charts;

/// <summary>
/// A time chart drawn by ApexCharts (its JS module beside this file). New <see cref="Options"/> update the
/// chart in place where ApexCharts can (series, x range, annotations, y title) and draw it anew otherwise.
/// </summary>
public sealed partial class ApexChart : ComponentBase, IAsyncDisposable
{
    internal const string ModulePath = "./Charts/ApexChart.razor.js";

    private ElementReference _element;
    private IJSObjectReference? _module;
    private IJSObjectReference? _chart;
    private DotNetObjectReference<ApexChart>? _self;
    private ChartOptions? _shown;
    private bool _syncing;
    private bool _failed;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILogger<ApexChart> Logger { get; set; } = default!;

    [Inject]
    private ChartDrawing Drawing { get; set; } = default!;

    /// <summary>What to draw. Pass a new instance to change it; the chart compares it with what it shows.</summary>
    [Parameter, EditorRequired]
    public required ChartOptions Options { get; set; }

    /// <summary>The user dragged across the chart to select an x range; the chart has zoomed to it.</summary>
    /// <remarks>Set that range as <see cref="ChartOptions.XMin"/>/<see cref="ChartOptions.XMax"/> of every chart that shares the axis.</remarks>
    [Parameter]
    public EventCallback<ChartZoom> OnZoom { get; set; }

    /// <summary>The user clicked the label of one of <see cref="ChartOptions.Annotations"/>.</summary>
    [Parameter]
    public EventCallback<XAnnotation> OnAnnotationClick { get; set; }

    // Runs only where .NET draws the chart: a page drawn on the server is done once it is rendered.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_syncing || _disposed)
        {
            return; // a running sync picks up the latest Options when its current step returns
        }
        _syncing = true;
        try
        {
            await SyncAsync();
        }
        finally
        {
            _syncing = false;
        }
        if (_disposed)
        {
            await ReleaseAsync();
        }
    }

    private async Task SyncAsync()
    {
        var failed = _failed;
        while (!_disposed && !ReferenceEquals(_shown, Options))
        {
            var next = Options;
            try
            {
                _module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                _self ??= DotNetObjectReference.Create(this);
                if (_chart is null || _shown is null || ChartChanges.NeedRecreate(_shown, next))
                {
                    await DestroyChartAsync();
                    _chart = await _module.InvokeAsync<IJSObjectReference>("create", _element, next, _self);
                }
                else if (ChartChanges.Between(_shown, next) is { Any: true } changes)
                {
                    await _chart.InvokeVoidAsync("update", next, changes);
                }
                _failed = false;
            }
            catch (JSException e)
            {
                // The script did not load or ApexCharts refused the options: say so, try again on new options.
                Logger.LogError(e, "The chart could not be drawn");
                _failed = true;
                await DestroyChartAsync();
            }
            _shown = next;
        }
        if (_failed != failed && !_disposed)
        {
            StateHasChanged();
        }
    }

    private async Task DestroyChartAsync()
    {
        if (_chart is not { } chart)
        {
            return;
        }
        _chart = null;
        try
        {
            await chart.InvokeVoidAsync("destroy");
        }
        catch (JSException)
        {
            // a chart that failed half-way may have nothing to destroy
        }
        await chart.DisposeAsync();
    }

    private async Task ReleaseAsync()
    {
        try
        {
            await DestroyChartAsync();
            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // the page is gone, and the chart with it
        }
        _module = null;
        _self?.Dispose();
        _self = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_syncing)
        {
            await ReleaseAsync();
        }
    }

    /// <summary>Called by the JS module when the user zoomed.</summary>
    [JSInvokable, EditorBrowsable(EditorBrowsableState.Never)]
    public Task OnChartZoomed(long from, long to) => OnZoom.InvokeAsync(new ChartZoom(from, to));

    /// <summary>Called by the JS module when the user clicked an annotation's label.</summary>
    [JSInvokable, EditorBrowsable(EditorBrowsableState.Never)]
    public Task OnAnnotationClicked(int index) =>
        _shown is { } shown && index >= 0 && index < shown.Annotations.Count
            ? OnAnnotationClick.InvokeAsync(shown.Annotations[index])
            : Task.CompletedTask;
}
