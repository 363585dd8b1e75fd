using Bunit.TestDoubles;
using Dashboard.Client.Api;
using Dashboard.Client.Charts;
using Dashboard.Client.Pages;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Dashboard.Client.Tests.Alerts.DemoAlerts;

namespace Dashboard.Client.Tests.Pages;

/// <summary>The Alerts page: its filters live in the URL beside the view, and each alert shows its evidence.</summary>
public sealed class AlertsPageTests : BunitContext
{
    // As the page writes a view (ViewState.ToQuery).
    private const string View = "host=hoge&from=2015-08-17T12%3A00%3A00%2B09%3A00&to=2015-08-17T13%3A00%3A00%2B09%3A00&tz=host";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ScriptedApi _api = new();

    public AlertsPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddScoped(_ => new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") });
        Services.AddScoped<IReadApi, DashboardApiClient>();
        Services.AddSingleton<IOperatorBrowser>(new KnownBrowser());
        Services.AddSingleton(ChartDrawing.ThroughInterop);
        AddBunitPersistentComponentState();
        Services.AddSupplyValueFromPersistentComponentStateProvider();
        _api.Answer("api/v1/hosts", new List<HostInfo> { new("hoge", "Asia/Tokyo", "combined", Jst(12, 50)) });
        SetRendererInfo(new RendererInfo("WebAssembly", isInteractive: true));
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<AlertsPage> RenderAt(string query, List<AlertItem>? alerts = null)
    {
        _api.Answer("api/v1/alerts", alerts ?? [Kills(), Memory(endsAt: Jst(12, 34)), Shape(endsAt: Jst(12, 20, 55))]);
        Navigation.NavigateTo("alerts?" + query);
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("article.alert-card")), Patience);
        return page;
    }

    [Fact]
    public void Choosing_a_rule_puts_it_in_the_url_beside_the_view_and_asks_the_api_for_it()
    {
        var page = RenderAt(View);

        page.Find("select[name=rule]").Change(AlertRules.RequestShape);

        Assert.Equal("alerts?" + View + "&rule=request-shape", Navigation.ToBaseRelativePath(Navigation.Uri));
        page.WaitForAssertion(() => Assert.Contains("rule=request-shape", _api.LastQuery("api/v1/alerts"), StringComparison.Ordinal), Patience);
        Assert.Contains("host=hoge", _api.LastQuery("api/v1/alerts"), StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_in_the_url_are_asked_for_and_shown_in_the_controls()
    {
        var page = RenderAt(View + "&severity=critical&state=resolved&ip=202.215.15.8");

        Assert.EndsWith("&host=hoge&severity=critical&state=resolved&ip=202.215.15.8", _api.LastQuery("api/v1/alerts"), StringComparison.Ordinal);
        Assert.Equal("critical", page.Find("select[name=severity]").GetAttribute("value"));
        Assert.Equal(Attacker, page.Find("input[name=ip]").GetAttribute("value"));
        Assert.Equal("alerts?" + View, page.FindAll("form.filters a").Single().GetAttribute("href"));
    }

    [Fact]
    public void An_address_filter_goes_into_the_url_and_one_that_is_not_an_address_is_refused_in_place()
    {
        var page = RenderAt(View);

        page.Find("input[name=ip]").Change("not-an-ip");
        page.Find("form.filters").Submit();
        Assert.Equal("alerts?" + View, Navigation.ToBaseRelativePath(Navigation.Uri));
        Assert.Contains("not an IPv4 or IPv6 address", page.Find("form.filters .danger").TextContent, StringComparison.Ordinal);

        page.Find("input[name=ip]").Change(Attacker);
        page.Find("form.filters").Submit();
        Assert.Equal("alerts?" + View + "&ip=202.215.15.8", Navigation.ToBaseRelativePath(Navigation.Uri));
    }

    [Fact]
    public void Each_alert_shows_its_times_summary_evidence_suspects_and_victims_with_links_to_the_address_and_host()
    {
        var page = RenderAt(View);

        var shape = page.Find("article[data-rule=request-shape]");
        Assert.Equal("2015-08-17 12:10:04", shape.QuerySelector("time.starts")!.TextContent);
        Assert.Equal("2015-08-17 12:20:55", shape.QuerySelector("time.ends")!.TextContent);
        Assert.Equal("2015-08-17T03:10:04Z", shape.QuerySelector("time.starts")!.GetAttribute("datetime"));
        Assert.Contains("looks like: Range-header DoS pattern, CVE-2011-3192", shape.QuerySelector(".facts")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("no user agent", shape.QuerySelector(".facts")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("ips/202.215.15.8?" + View, shape.QuerySelector("a.ip")!.GetAttribute("href"));
        var kills = page.Find("article[data-rule=oom-kill]");
        Assert.Contains("rose 21 min before memory fell", kills.QuerySelector(".suspects")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["java", "httpd"], kills.QuerySelectorAll(".victims tbody tr td:nth-child(3)").Select(td => td.TextContent));
        Assert.Equal("./?" + View, kills.QuerySelector("header a")!.GetAttribute("href"));
    }

    [Fact]
    public void Process_names_and_paths_from_the_logs_are_text_not_markup()
    {
        var hostile = Kills() with
        {
            Summary = "OOM kill: <script>alert(1)</script> 1187",
            Evidence = Kills().Evidence with { Victims = [new(Jst(12, 31, 33), HostEventKinds.OomKill, 1187, "<img src=x onerror=alert(1)>")] },
        };

        var page = RenderAt(View, [hostile]);

        Assert.Empty(page.FindAll("article script, article img"));
        Assert.Equal("OOM kill: <script>alert(1)</script> 1187", page.Find("article .summary").TextContent);
        Assert.Equal("<img src=x onerror=alert(1)>", page.Find(".victims tbody td:nth-child(3)").TextContent);
    }
}
