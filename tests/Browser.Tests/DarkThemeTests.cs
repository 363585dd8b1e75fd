using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>
/// An operator who chose the dark theme gets the demo incident's pages dark, charts included, as the README's
/// pictures show them (tests/Screenshots draws those pictures).
/// </summary>
[Collection(DashboardInChromium.Name)]
public sealed class DarkThemeTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task The_overview_of_the_demo_incident_is_drawn_dark()
    {
        await using var context = await dashboard.NewContextAsync(dark: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        await AssertDrawnDarkAsync(page);
    }

    [Fact]
    public async Task The_attacker_s_drill_down_is_drawn_dark()
    {
        await using var context = await dashboard.NewContextAsync(dark: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync("ips/202.215.15.8?host=hoge&from=2015-08-17T12:00:00%2B09:00&to=2015-08-17T12:35:00%2B09:00&tz=host");
        await WaitForChartsAsync(page);
        await page.Locator(".requests tbody tr").First.WaitForAsync();

        await AssertDrawnDarkAsync(page);
    }

    private static async Task AssertDrawnDarkAsync(IPage page)
    {
        Assert.Equal("dark", await page.Locator("html").GetAttributeAsync("data-theme"));
        Assert.Equal(2, await page.Locator(".apexcharts-canvas.apexcharts-theme-dark").CountAsync());
        // The whole page as a picture: a blank or half-drawn one compresses to far less.
        var picture = await page.ScreenshotAsync(new() { FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Assert.True(picture.Length > 50_000, $"the page's picture is {picture.Length} bytes");
    }
}
