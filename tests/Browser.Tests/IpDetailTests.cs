using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>One address's drill-down: 202.215.15.8, the demo's attacker.</summary>
[Collection(DashboardInChromium.Name)]
public sealed class IpDetailTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task Clicking_the_top_IP_opens_its_requests_over_the_same_range()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var link = dashboard.App.DemoLink.ToString();
        await page.GotoAsync(link);
        await WaitForOverviewAsync(page);

        await TopIpRows(page).First.Locator("a").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ips/202.215.15.8");

        foreach (var key in new[] { "host", "from", "to", "tz" })
        {
            Assert.Equal(QueryValue(link, key), QueryValue(page.Url, key));
        }
        await page.Locator(".requests tbody tr").First.WaitForAsync();
        await WaitForChartsAsync(page);
        Assert.Equal("202.215.15.8", await page.Locator("h1").TextContentAsync());
        // Time, host, method, path, protocol, status, …
        var rows = await RowsAsync(page.Locator(".requests table"));
        Assert.Contains(rows, row => row[2] == "HEAD" && row[5] == "206");
        Assert.All(rows, row => Assert.Equal("hoge", row[1]));
    }

    [Fact]
    public async Task The_attack_window_in_the_URL_counts_its_452_requests()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("ips/202.215.15.8?host=hoge&from=2015-08-17T12:10:00%2B09:00&to=2015-08-17T12:20:00%2B09:00&tz=host");
        await WaitForChartsAsync(page);

        Assert.Equal("452", await page.Locator("section.panel p strong").First.TextContentAsync());
        var statuses = await RowsAsync(page.Locator(".breakdown", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Status" }) }));
        Assert.Equal(["206", "452"], statuses[0][..2]);
        Assert.Equal("2015-08-17T12:10", await page.Locator(".toolbar input[type=datetime-local]").First.InputValueAsync());
    }
}
