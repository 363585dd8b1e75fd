using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>The overview of the demo incident: 11:50–12:50 JST on host hoge.</summary>
[Collection(DashboardInChromium.Name)]
public sealed class OverviewTests(DashboardFixture dashboard)
{
    private static readonly DateTimeOffset FirstKill = new(2015, 8, 17, 12, 31, 33, TimeSpan.FromHours(9));

    /// <summary>The incident's own ten kills, from hoge's /var/log/messages: time (JST), process, pid, score.</summary>
    private static readonly (string Time, string Process, string Pid, string Score)[] IncidentKills =
    [
        ("08-17 12:31:33", "java", "1187", "89"), ("08-17 12:31:55", "httpd", "12921", "26"), ("08-17 12:32:05", "httpd", "29707", "25"),
        ("08-17 12:32:16", "httpd", "12924", "24"), ("08-17 12:32:28", "httpd", "18440", "24"), ("08-17 12:32:42", "httpd", "12922", "23"),
        ("08-17 12:32:54", "httpd", "29706", "23"), ("08-17 12:33:12", "httpd", "12920", "22"), ("08-17 12:33:21", "httpd", "12926", "22"),
        ("08-17 12:33:41", "httpd", "29705", "22"),
    ];

    [Fact]
    public async Task The_demo_link_draws_a_red_marker_on_both_charts_and_a_row_for_each_of_the_incident_s_kills_and_ranks_the_attacker_first()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        var traffic = await SeriesHeightsAsync(TrafficChart(page));
        var memory = await SeriesHeightsAsync(MemoryChart(page));
        Assert.True(traffic["202x215x15x8"] > 50, $"the attacker's area is {traffic["202x215x15x8"]} px tall");
        Assert.True(memory["used"] > 50 && memory["available"] > 50, $"memory lines span {memory["used"]} and {memory["available"]} px");
        foreach (var chart in new[] { TrafficChart(page), MemoryChart(page) })
        {
            Assert.Equal(10, await KillMarkers(chart).CountAsync());
            Assert.Equal(IncidentKills.Select(k => $"{k.Process} {k.Pid}"), await MarkerLabelsAsync(chart));
        }
        var kills = (await RowsAsync(page.Locator(".events table"))).Where(row => row[2] == "oom-kill");
        Assert.Equal(IncidentKills, kills.Select(row => (row[0], row[3], row[4], row[5])));
        var top = (await RowsAsync(page.Locator("table.top-ips")))[0];
        Assert.Equal("202.215.15.8", await TopIpRows(page).First.Locator("a").TextContentAsync());
        Assert.Equal("475", top[1]);
    }

    [Fact]
    public async Task Dragging_across_the_traffic_chart_zooms_to_that_range_and_the_table_counts_only_it()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var link = dashboard.App.DemoLink.ToString();
        await page.GotoAsync(link);
        await WaitForOverviewAsync(page);
        var totalBefore = await TrafficTotal(page).TextContentAsync();
        var topBefore = Number((await RowsAsync(page.Locator("table.top-ips")))[0][1]);

        await DragAcrossAsync(page, TrafficChart(page), 0.05f, 0.30f);
        await page.WaitForURLAsync(url => url != link);
        await Assertions.Expect(TrafficTotal(page)).Not.ToHaveTextAsync(totalBefore!);

        var (from, to) = (QueryTime(page.Url, "from"), QueryTime(page.Url, "to"));
        Assert.InRange(from, QueryTime(link, "from"), QueryTime(link, "to"));
        Assert.InRange(to, from.AddMinutes(10), from.AddMinutes(20)); // a quarter of the hour, give or take the plot's edges
        Assert.True(Number(totalBefore!) > Number((await TrafficTotal(page).TextContentAsync())!), "fewer requests in the zoomed range");
        Assert.True(topBefore > Number((await RowsAsync(page.Locator("table.top-ips")))[0][1]), "the busiest address has fewer requests in the zoomed range");
        Assert.Equal("hoge", QueryValue(page.Url, "host"));
    }

    [Fact]
    public async Task Clicking_a_memory_event_centres_the_range_on_it_and_keeps_it_in_view()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var link = dashboard.App.DemoLink.ToString();
        await page.GotoAsync(link);
        await WaitForOverviewAsync(page);

        var firstKill = page.Locator(".events tbody tr.kill").First;
        Assert.Equal("08-17 12:31:33", await firstKill.Locator("td").First.TextContentAsync());
        await firstKill.ClickAsync();
        await page.WaitForURLAsync(url => url != link);

        var (from, to) = (QueryTime(page.Url, "from"), QueryTime(page.Url, "to"));
        Assert.Equal(TimeSpan.FromHours(1), to - from);
        Assert.Equal(FirstKill, from + (to - from) / 2);
        // The page has read the new range: the toolbar's From field shows it, in the host's zone.
        await Assertions.Expect(page.Locator(".toolbar input[type=datetime-local]").First).ToHaveValueAsync("2015-08-17T12:01");
        await Assertions.Expect(page.Locator(".events tbody tr.kill").First.Locator("td").First).ToHaveTextAsync("08-17 12:31:33");
        Assert.Equal(10, await KillMarkers(TrafficChart(page)).CountAsync());
    }
}
