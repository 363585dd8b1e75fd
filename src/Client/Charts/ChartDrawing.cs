using System.Text.Json;

namespace Dashboard.Client.Charts;

/// <summary>
/// Who draws the charts of a page, decided once per host where its services are registered. In the browser,
/// .NET draws each chart through the chart module (<see cref="ThroughInterop"/>). On the server, which draws
/// the overview and the drill-down before WebAssembly has started and can call no script, each chart's
/// element carries its options (<see cref="FromCarriedOptions"/>): the module draws them as soon as the page
/// has loaded, and WebAssembly takes those charts over (ApexChart.razor.js).
/// </summary>
public sealed class ChartDrawing
{
    // As JS interop writes options for create(): the module compares the two to take a drawn chart over.
    private static readonly JsonSerializerOptions InteropJson = new(JsonSerializerDefaults.Web);

    private readonly bool _carriesOptions;

    private ChartDrawing(bool carriesOptions) => _carriesOptions = carriesOptions;

    public static ChartDrawing ThroughInterop { get; } = new(carriesOptions: false);

    public static ChartDrawing FromCarriedOptions { get; } = new(carriesOptions: true);

    /// <summary>What a chart's element carries for the module to draw (its options as JSON), or nothing.</summary>
    public string? CarriedOptions(ChartOptions options) => _carriesOptions ? JsonSerializer.Serialize(options, InteropJson) : null;
}
