using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>What detection raised for the demo incident, as the operator sees it: the overview's bar and bands, the Alerts page.</summary>
[Collection(DashboardInChromium.Name)]
public sealed class AlertsTests(DashboardFixture dashboard)
{
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);
    private static readonly DateTimeOffset FirstKill = new(2015, 8, 17, 12, 31, 33, Jst);

    [Fact]
    public async Task The_demo_overview_names_the_attacker_and_the_shape_of_its_requests_from_12_11_at_the_latest_in_the_bar_on_top_linking_to_its_drill_down()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        var sentence = page.Locator(".alert-bar .sentence").First;
        var text = Regex.Replace((await sentence.TextContentAsync())!, @"\s+", " ").Trim();
        Assert.True(Regex.IsMatch(text, @"^critical 202\.215\.15\.8 on hoge: Range-header DoS pattern, CVE-2011-3192 12:(0\d|1[01])–12:\d\d, [\d,]+ requests"), text);
        // The memory alert held from before the first kill (12:31:33) until memory came back.
        Assert.True(Regex.IsMatch(text, @"; memory running out 12:(1\d|2\d|30)–12:\d\d; 10 OOM kills 12:31–12:3\d$"), text);
        var link = sentence.Locator("a.mono");
        Assert.Equal("202.215.15.8", await link.TextContentAsync());
        await link.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ips/202.215.15.8");
        await Assertions.Expect(page.Locator("section.ip-alerts article[data-rule=request-shape]")).ToContainTextAsync("no user agent");
    }

    [Fact]
    public async Task The_alerts_are_drawn_on_both_charts_time_axis_as_labelled_bands_and_the_attacker_carries_a_badge()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        foreach (var chart in new[] { TrafficChart(page), MemoryChart(page) })
        {
            Assert.True(await AlertBands(chart).CountAsync() >= 3, "a band for the shape, the memory and the OOM-kill alerts at least");
            var labels = await AlertBandLabelsAsync(chart);
            Assert.Contains("202.215.15.8: Range-header DoS pattern", labels);
            Assert.Contains("memory running out", labels);
            Assert.Contains("OOM kills", labels);
        }
        var attacker = TopIpRows(page).First;
        Assert.Equal("Range-header DoS pattern", await attacker.Locator(".badge").TextContentAsync());
    }

    [Fact]
    public async Task The_alerts_page_lists_the_shape_alert_from_12_11_at_the_latest_and_the_memory_alert_before_the_first_kill()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("alerts?host=hoge&from=2015-08-17T11%3A50%3A00%2B09%3A00&to=2015-08-17T12%3A50%3A00%2B09%3A00&tz=host");
        await WaitForWebAssemblyAsync(page);

        var shape = page.Locator("article.alert-card[data-rule=request-shape]");
        await Assertions.Expect(shape).ToHaveCountAsync(1);
        Assert.Equal("202.215.15.8", await shape.Locator("a.ip").TextContentAsync());
        Assert.True(await StartsAtAsync(shape) <= new DateTimeOffset(2015, 8, 17, 12, 11, 0, Jst), $"the shape alert starts at {await StartsAtAsync(shape)}");
        await Assertions.Expect(shape.Locator(".facts")).ToContainTextAsync("looks like: Range-header DoS pattern, CVE-2011-3192");
        var memory = page.Locator("article.alert-card[data-rule=memory-exhaustion]");
        Assert.True(await StartsAtAsync(memory) < FirstKill, $"the memory alert starts at {await StartsAtAsync(memory)}");
        await Assertions.Expect(memory.Locator(".suspects")).ToContainTextAsync("202.215.15.8");
    }

    [Fact]
    public async Task Choosing_a_rule_on_the_alerts_page_keeps_the_range_in_the_url_and_lists_only_that_rule()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("alerts?host=hoge&from=2015-08-17T11%3A50%3A00%2B09%3A00&to=2015-08-17T12%3A50%3A00%2B09%3A00&tz=host");
        await WaitForWebAssemblyAsync(page);
        await page.Locator("article.alert-card").First.WaitForAsync();

        await page.Locator("select[name=rule]").SelectOptionAsync("oom-kill");

        await page.WaitForURLAsync(url => url.Contains("rule=oom-kill", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("article.alert-card")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("article.alert-card .victims tbody tr", new() { HasText = "oom-kill" })).ToHaveCountAsync(10);
        Assert.Equal("hoge", QueryValue(page.Url, "host"));
        Assert.Equal(new DateTimeOffset(2015, 8, 17, 11, 50, 0, Jst), QueryTime(page.Url, "from"));
    }

    private static ILocator AlertBands(ILocator chart) => chart.Locator(".apexcharts-xaxis-annotations rect.apexcharts-annotation-rect.aid-alert-band");

    private static async Task<List<string>> AlertBandLabelsAsync(ILocator chart) =>
        [.. await chart.Locator(".apexcharts-xaxis-annotations text.aid-alert-band").AllTextContentsAsync()];

    private static async Task<DateTimeOffset> StartsAtAsync(ILocator card) =>
        DateTimeOffset.Parse((await card.Locator("time.starts").GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
}
