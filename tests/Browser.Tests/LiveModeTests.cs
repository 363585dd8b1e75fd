using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

[Collection(DashboardInChromium.Name)]
public sealed class LiveModeTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task Live_mode_reloads_every_few_seconds_and_updates_the_charts_in_place()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var link = dashboard.App.DemoLink.ToString();
        await page.GotoAsync(link);
        await WaitForOverviewAsync(page);
        var traffic = 0;
        var twoRefreshes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Request += (_, request) =>
        {
            // The first follows the click (the URL changed); the next ones come from the refresh timer.
            if (new Uri(request.Url).AbsolutePath == "/api/v1/traffic" && Interlocked.Increment(ref traffic) == 3)
            {
                twoRefreshes.TrySetResult();
            }
        };
        // A chart drawn anew would be a new SVG, without this attribute.
        await page.EvaluateAsync("() => document.querySelectorAll('.apex-chart .apexcharts-svg').forEach(svg => svg.setAttribute('data-test-drawn', 'before live'))");

        await page.Locator(".toolbar .live input[type=checkbox]").CheckAsync();
        await page.WaitForURLAsync(url => url.EndsWith("&live=1", StringComparison.Ordinal));
        // Two timer refreshes: by the second request, the first refresh's data has reached the charts.
        await twoRefreshes.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, await page.Locator(".apex-chart .apexcharts-svg[data-test-drawn='before live']").CountAsync());
        Assert.Equal(2, await page.Locator(".apex-chart .apexcharts-svg").CountAsync());
        Assert.Equal(10, await KillMarkers(TrafficChart(page)).CountAsync());
        Assert.True(await page.Locator(".toolbar .live input[type=checkbox]").IsCheckedAsync());
    }
}
