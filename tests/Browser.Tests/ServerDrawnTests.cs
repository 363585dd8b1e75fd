using System.Text.Json;
using Dashboard.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>
/// The server draws the overview with its data, so the operator sees the incident while WebAssembly starts;
/// WebAssembly then takes the drawn page over without drawing it again.
/// </summary>
[Collection(DashboardInChromium.Name)]
public sealed class ServerDrawnTests(DashboardFixture dashboard)
{
    // The .NET runtime's scripts and its WebAssembly: held, the client cannot start.
    private const string WebAssemblyRuntime = "**/_framework/dotnet*";

    [Fact]
    public async Task The_overview_shows_its_charts_kill_markers_and_table_before_WebAssembly_starts()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await BeenHereBeforeAsync(context);
        await context.RouteAsync(WebAssemblyRuntime, route => route.AbortAsync());

        await page.GotoAsync(dashboard.App.DemoLink.ToString());

        await page.Locator(".apex-chart .apexcharts-svg").Nth(1).WaitForAsync();
        foreach (var chart in new[] { TrafficChart(page), MemoryChart(page) })
        {
            Assert.Equal(10, await KillMarkers(chart).CountAsync());
        }
        var traffic = await SeriesHeightsAsync(TrafficChart(page));
        Assert.True(traffic["202x215x15x8"] > 50, $"the attacker's area is {traffic["202x215x15x8"]} px tall");
        Assert.Equal("202.215.15.8", await TopIpRows(page).First.Locator("a").TextContentAsync());
        Assert.Equal("475", (await RowsAsync(page.Locator("table.top-ips")))[0][1]);
        Assert.Contains("202.215.15.8 on hoge: Range-header DoS pattern", await page.Locator(".alert-bar .sentence").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator(".app-root[data-interactive]").CountAsync());
    }

    [Fact]
    public async Task WebAssembly_takes_over_the_drawn_charts_without_drawing_them_again_and_zooming_still_works()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await BeenHereBeforeAsync(context);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync(WebAssemblyRuntime, async route =>
        {
            await started.Task;
            await route.ContinueAsync();
        });
        var link = dashboard.App.DemoLink.ToString();

        await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator(".apex-chart .apexcharts-svg").Nth(1).WaitForAsync();
        // The element each chart draws into: drawing a chart again replaces it; updating one (a zoom) does not.
        await page.EvaluateAsync("() => document.querySelectorAll('.apex-chart > div').forEach(canvas => canvas.dataset.drawnByServer = 'yes')");
        var memoryAxis = await XAxisLabelsAsync(MemoryChart(page));
        started.SetResult();
        await WaitForWebAssemblyAsync(page);

        await DragAcrossAsync(page, TrafficChart(page), 0.05f, 0.30f);
        await page.WaitForURLAsync(url => url != link);
        // Only WebAssembly moves the memory chart to the zoomed range: by then it has taken that chart over, or drawn it
        // again. (The traffic chart's zoom reached the URL through WebAssembly: so it holds that one too.)
        await page.WaitForFunctionAsync(
            "before => JSON.stringify([...document.querySelectorAll('.apex-chart')[1].querySelectorAll('.apexcharts-xaxis-label')].map(l => l.textContent)) !== before",
            JsonSerializer.Serialize(memoryAxis));

        Assert.Equal(2, await page.Locator(".apex-chart > div").CountAsync());
        Assert.Equal(2, await page.Locator(".apex-chart > div[data-drawn-by-server=yes]").CountAsync());
        Assert.True(QueryTime(page.Url, "from") > QueryTime(link, "from"), "zoomed into the range");
    }

    /// <summary>The texts along a chart's time axis, once it has been drawn.</summary>
    private static async Task<IReadOnlyList<string>> XAxisLabelsAsync(ILocator chart)
    {
        var labels = chart.Locator(".apexcharts-xaxis-label");
        await labels.First.WaitForAsync();
        return await labels.AllTextContentsAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/ips/202.215.15.8")]
    public async Task WebAssembly_takes_the_drawn_page_over_without_asking_the_api_again(string path)
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await BeenHereBeforeAsync(context);
        const string Marker = "/api/v1/hosts?after-take-over";
        List<string> asked = [];
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).PathAndQuery is var requested && requested.StartsWith("/api/", StringComparison.Ordinal))
            {
                lock (asked)
                {
                    asked.Add(requested);
                }
            }
        };

        await page.GotoAsync(path + dashboard.App.DemoLink.Query);
        await WaitForChartsAsync(page);
        // WebAssembly would ask while it first draws the page, before it marks the page as running: such a request
        // comes before this one, which the page's script sends now.
        await page.RunAndWaitForRequestAsync(() => page.EvaluateAsync($"() => {{ fetch('{Marker}'); }}"), $"**{Marker}");

        Assert.Equal([Marker], asked);
    }

    /// <summary>
    /// A browser that has been here before (to sign in, at least): the cookies theme.js left tell the server its
    /// theme and zone. New to the server, its cache empty, so every file of the client is fetched, and can be held.
    /// </summary>
    private async Task<IPage> BeenHereBeforeAsync(IBrowserContext context)
    {
        var site = dashboard.App.BaseAddress.ToString();
        await context.AddCookiesAsync([new() { Name = "aid-theme", Value = "light", Url = site }, new() { Name = "aid-tz", Value = "UTC", Url = site }]);
        return await context.NewPageAsync();
    }
}
