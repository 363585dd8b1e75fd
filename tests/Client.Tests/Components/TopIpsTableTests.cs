using Dashboard.Client.Components;
using Dashboard.Client.State;
using Dashboard.Shared;
using static Dashboard.Client.Tests.Alerts.DemoAlerts;

namespace Dashboard.Client.Tests.Components;

public sealed class TopIpsTableTests : BunitContext
{
    private static readonly DateTimeOffset At = new(2015, 8, 17, 3, 10, 0, TimeSpan.Zero);

    private static readonly List<IpSummary> Ips =
    [
        new("202.215.15.8", 452, 127_000, 0, 0, 64, At, At.AddMinutes(10), [0, 0, 100, 352]),
        new("10.0.0.9", 40, 9_000_000, 3, 0, 12, At, At.AddMinutes(50), [10, 10, 10, 10]),
        new("10.0.0.10", 60, 5_000, 12, 1, 80, At, At.AddMinutes(30), [15, 15, 15, 15]),
    ];

    public TopIpsTableTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    private IRenderedComponent<TopIpsTable> RenderTable(IReadOnlyList<AlertItem>? alerts = null) => Render<TopIpsTable>(p => p
        .Add(t => t.Ips, Ips)
        .Add(t => t.Alerts, alerts ?? [])
        .Add(t => t.TotalRequests, 1000)
        .Add(t => t.Zone, DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc))
        .Add(t => t.ViewQuery, "host=hoge&tz=host"));

    private static string[] IpColumn(IRenderedComponent<TopIpsTable> table) => [.. table.FindAll("tbody tr td:first-child a").Select(a => a.TextContent)];

    private static void ClickHeader(IRenderedComponent<TopIpsTable> table, string title) =>
        table.FindAll("th button").First(b => b.TextContent.Contains(title, StringComparison.Ordinal)).Click();

    [Fact]
    public void The_busiest_address_comes_first()
    {
        Assert.Equal(["202.215.15.8", "10.0.0.10", "10.0.0.9"], IpColumn(RenderTable()));
    }

    [Fact]
    public void Sorting_by_peak_per_minute_puts_the_burstiest_first()
    {
        var table = RenderTable();

        ClickHeader(table, "Peak/min");

        Assert.Equal(["10.0.0.10", "202.215.15.8", "10.0.0.9"], IpColumn(table));
    }

    [Fact]
    public void Sorting_by_bytes_and_by_address_use_their_values_not_their_text()
    {
        var table = RenderTable();

        ClickHeader(table, "Bytes");
        Assert.Equal(["10.0.0.9", "202.215.15.8", "10.0.0.10"], IpColumn(table));
        ClickHeader(table, "IP");
        Assert.Equal(["10.0.0.9", "10.0.0.10", "202.215.15.8"], IpColumn(table));
    }

    [Fact]
    public void An_address_links_to_its_drill_down_with_the_same_view()
    {
        var link = RenderTable().FindAll("tbody tr td:first-child a")[0];

        Assert.Equal("ips/202.215.15.8?host=hoge&tz=host", link.GetAttribute("href"));
    }

    [Fact]
    public void Shares_and_times_are_shown_in_the_view()
    {
        var firstRow = RenderTable().FindAll("tbody tr")[0].TextContent;

        Assert.Contains("45.2%", firstRow, StringComparison.Ordinal);
        Assert.Contains("08-17 12:10:00", firstRow, StringComparison.Ordinal);
        Assert.Contains("124", firstRow, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flagged_address_carries_a_badge_naming_its_alert_and_a_suspect_one_says_so()
    {
        var memory = Memory() with { Evidence = Memory().Evidence with { Suspects = [new("10.0.0.9", 0.4, ["rose 3 min before memory fell"])] } };

        var rows = RenderTable([Shape(), Surge(), memory]).FindAll("tbody tr");

        var attacker = rows[0].QuerySelector(".badge")!;
        Assert.Equal("Range-header DoS pattern", attacker.TextContent);
        Assert.Contains("critical", attacker.ClassList);
        Assert.Contains("452 requests", attacker.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Null(rows[1].QuerySelector(".badge"));
        Assert.Equal("suspect", rows[2].QuerySelector(".badge")!.TextContent);
    }
}
