using System.Text.RegularExpressions;
using Dashboard.Client.Alerts;
using Dashboard.Client.State;
using Dashboard.Shared;
using static Dashboard.Client.Tests.Alerts.DemoAlerts;

namespace Dashboard.Client.Tests.Alerts;

/// <summary>The bar on top of the overview: one sentence per address (or host) saying what is happening.</summary>
public sealed partial class AlertBarTests : BunitContext
{
    private static readonly DisplayZone Tokyo = DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc);
    private static readonly ViewState HogeInHostZone = ViewState.Parse("host=hoge&tz=host&range=1h");

    private IRenderedComponent<AlertBar> RenderBar(IReadOnlyList<AlertItem> alerts, DisplayZone zone, ViewState? view = null) =>
        Render<AlertBar>(p => p
            .Add(b => b.Alerts, alerts)
            .Add(b => b.View, view ?? HogeInHostZone)
            .Add(b => b.Zone, zone)
            .Add(b => b.To, Jst(12, 30)));

    private static string[] Sentences(IRenderedComponent<AlertBar> bar) =>
        [.. bar.FindAll(".sentence").Select(p => Spaces().Replace(p.TextContent, " ").Trim())];

    [Fact]
    public void Says_who_does_what_since_when_with_how_many_requests_and_how_long_memory_has_left_in_one_sentence()
    {
        var bar = RenderBar([Shape(), Memory()], Tokyo);

        Assert.Equal(
            ["critical 202.215.15.8 on hoge: Range-header DoS pattern, CVE-2011-3192 since 12:10, 452 requests; memory runs out in about 9 min"],
            Sentences(bar));
    }

    [Fact]
    public void Times_are_those_of_the_zone_the_operator_chose()
    {
        var bar = RenderBar([Shape()], DisplayZone.Utc, ViewState.Parse("host=hoge&tz=utc&range=1h"));

        Assert.Contains("since 03:10,", Sentences(bar)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_links_to_its_drill_down_and_the_host_to_its_overview_keeping_the_view()
    {
        var links = RenderBar([Shape()], Tokyo).FindAll(".sentence a");

        Assert.Equal(["ips/202.215.15.8?host=hoge&tz=host", "./?host=hoge&tz=host"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(Attacker, links[0].TextContent);
    }

    [Fact]
    public void Alerts_that_have_ended_are_told_with_their_start_and_end_and_a_surge_adds_nothing_to_the_shape()
    {
        var bar = RenderBar([Shape(endsAt: Jst(12, 20, 55)), Surge(), Memory(endsAt: Jst(12, 34)), Kills()], Tokyo);

        Assert.Equal(
            ["critical 202.215.15.8 on hoge: Range-header DoS pattern, CVE-2011-3192 12:10–12:20, 452 requests; "
                + "memory running out 12:21–12:34; 2 OOM kills 12:31–12:33"],
            Sentences(bar));
    }

    [Fact]
    public void A_host_alert_whose_suspects_are_not_flagged_themselves_is_a_sentence_of_its_own()
    {
        var bar = RenderBar([Memory()], Tokyo);

        Assert.Equal(["critical hoge: memory runs out in about 9 min"], Sentences(bar));
    }

    [Fact]
    public void Without_warnings_or_critical_alerts_there_is_no_bar()
    {
        var info = Surge() with { Severity = AlertSeverities.Info };

        Assert.Empty(RenderBar([info], Tokyo).FindAll(".alert-bar"));
    }

    [Fact]
    public void Text_from_the_logs_is_shown_as_text_not_markup()
    {
        var hostile = Shape() with { Evidence = Shape().Evidence with { Label = "<img src=x onerror=alert(1)>" } };

        var bar = RenderBar([hostile], Tokyo);

        Assert.Empty(bar.FindAll(".alert-bar img"));
        Assert.Contains("<img src=x onerror=alert(1)> since 12:10", Sentences(bar)[0], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
