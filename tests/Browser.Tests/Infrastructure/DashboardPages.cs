using System.Globalization;
using System.Web;

namespace Dashboard.Browser.Tests.Infrastructure;

/// <summary>What the tests read off the dashboard's pages, once WebAssembly has drawn them.</summary>
public static class DashboardPages
{
    /// <summary>The red of an OOM kill's marker line (ApexChart.razor.js).</summary>
    public const string KillRed = "#d62728";

    /// <summary>Both charts (traffic, memory) drawn by ApexCharts, and WebAssembly running the page (not just the server's drawing of it).</summary>
    public static async Task WaitForChartsAsync(IPage page)
    {
        await WaitForWebAssemblyAsync(page);
        await page.Locator(".apex-chart .apexcharts-svg").Nth(1).WaitForAsync();
    }

    /// <summary>WebAssembly runs the page: it answers clicks and input (the server's drawing of it does not).</summary>
    public static async Task WaitForWebAssemblyAsync(IPage page)
    {
        await page.Locator(".app-root[data-interactive]").WaitForAsync();
    }

    /// <summary>The overview's charts and its table of client IPs.</summary>
    public static async Task WaitForOverviewAsync(IPage page)
    {
        await WaitForChartsAsync(page);
        await TopIpRows(page).First.WaitForAsync();
    }

    public static ILocator TrafficChart(IPage page) => page.Locator(".apex-chart").Nth(0);

    /// <summary>Drags across a chart's plot at mid-height, between two fractions of its width, as a user selects a range.</summary>
    public static async Task DragAcrossAsync(IPage page, ILocator chart, float from, float to)
    {
        var plot = (await chart.Locator(".apexcharts-grid").BoundingBoxAsync())!;
        var y = plot.Y + plot.Height / 2;
        await page.Mouse.MoveAsync(plot.X + plot.Width * from, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(plot.X + plot.Width * to, y, new() { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    public static ILocator MemoryChart(IPage page) => page.Locator(".apex-chart").Nth(1);

    public static ILocator TopIpRows(IPage page) => page.Locator("table.top-ips tbody tr");

    /// <summary>The "· 1,287 requests · Asia/Tokyo" beside the traffic chart's title.</summary>
    public static ILocator TrafficTotal(IPage page) => page.Locator("section.panel h2 .muted").First;

    /// <summary>Solid red marker lines: one per OOM kill.</summary>
    public static ILocator KillMarkers(ILocator chart) => chart.Locator($".apexcharts-xaxis-annotations line[stroke='{KillRed}']");

    /// <summary>The texts of the event markers' labels that say something (kills; other memory events are unlabelled; alert bands are not markers).</summary>
    public static async Task<List<string>> MarkerLabelsAsync(ILocator chart) =>
        [.. (await chart.Locator(".apexcharts-xaxis-annotation-label:not(.aid-alert-band)").AllTextContentsAsync()).Where(t => t.Length > 0)];

    /// <summary>How tall each series is drawn (SVG bounding box), by ApexCharts' series name: above zero means data was drawn.</summary>
    public static async Task<Dictionary<string, double>> SeriesHeightsAsync(ILocator chart) =>
        await chart.EvaluateAsync<Dictionary<string, double>>(
            """
            element => Object.fromEntries([...element.querySelectorAll('g.apexcharts-series[seriesName]')]
              .map(g => [g.getAttribute('seriesName'), Math.max(0, ...[...g.querySelectorAll('path')].map(p => p.getBBox().height))]))
            """);

    /// <summary>The cells' texts of the rows of a table (or of the first table inside the element), headings left out.</summary>
    public static async Task<List<string[]>> RowsAsync(ILocator table) =>
        [.. await table.EvaluateAsync<string[][]>(
            """
            element => [...(element.tagName === 'TABLE' ? element : element.querySelector('table')).rows]
              .filter(r => r.parentElement.tagName !== 'THEAD')
              .map(r => [...r.cells].map(c => c.textContent.trim()))
            """)];

    /// <summary>A whole number as the page writes it ("1,287").</summary>
    public static long Number(string text) =>
        long.Parse(new string([.. text.Where(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);

    public static string QueryValue(string url, string name) =>
        HttpUtility.ParseQueryString(new Uri(url).Query)[name] ?? throw new InvalidOperationException($"{url} has no '{name}'");

    public static DateTimeOffset QueryTime(string url, string name) =>
        DateTimeOffset.Parse(QueryValue(url, name), CultureInfo.InvariantCulture);
}
