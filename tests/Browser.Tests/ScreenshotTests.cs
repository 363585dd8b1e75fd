using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>The README's pictures: the demo incident in the dark theme at 1440×900, saved to docs/screenshots.</summary>
[Collection(DashboardInChromium.Name)]
public sealed class ScreenshotTests(DashboardFixture dashboard)
{
    private static readonly string Folder = Path.Combine(Repository.Root, "docs", "screenshots");

    [Fact]
    public async Task The_overview_of_the_demo_incident_is_drawn_dark_and_saved_as_overview_png()
    {
        await using var context = await dashboard.NewContextAsync(dark: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        await AssertDarkAsync(page);
        await SaveAsync(page, "overview.png");
    }

    [Fact]
    public async Task The_attacker_s_drill_down_is_drawn_dark_and_saved_as_ip_detail_png()
    {
        await using var context = await dashboard.NewContextAsync(dark: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync("ips/202.215.15.8?host=hoge&from=2015-08-17T12:00:00%2B09:00&to=2015-08-17T12:35:00%2B09:00&tz=host");
        await WaitForChartsAsync(page);
        await page.Locator(".requests tbody tr").First.WaitForAsync();

        await AssertDarkAsync(page);
        await SaveAsync(page, "ip-detail.png");
    }

    private static async Task AssertDarkAsync(IPage page)
    {
        Assert.Equal("dark", await page.Locator("html").GetAttributeAsync("data-theme"));
        Assert.Equal(2, await page.Locator(".apexcharts-canvas.apexcharts-theme-dark").CountAsync());
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        // Away from the charts, so that no tooltip or crosshair is in the picture.
        await page.Mouse.MoveAsync(0, 0);
        await page.EvaluateAsync("() => document.fonts.ready");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Assert.True(new FileInfo(path).Length > 50_000, $"{path} is {new FileInfo(path).Length} bytes");
    }
}
