using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Client.Api;
using Dashboard.Client.Charts;
using Dashboard.Client.Pages;
using Dashboard.Client.State;
using Dashboard.Client.Tests.Alerts;
using Bunit.TestDoubles;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Client.Tests.Pages;

/// <summary>
/// The drill-down against a scripted API: what it shows comes from the view in the URL, and an answer that
/// arrives late, for a view the operator has already left, does not replace the newer one. What the server
/// drew is handed to the browser, which shows it without asking the API again.
/// </summary>
public sealed class IpDetailPageTests : BunitContext
{
    private const string Ip = "202.215.15.8";
    private static readonly DateTimeOffset At = new(2015, 8, 17, 3, 10, 0, TimeSpan.Zero);

    // Generous: the whole suite runs in parallel on two cores, and bUnit's default is one second.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ScriptedApi _api = new();
    private readonly BunitPersistentComponentState _handedOver;
    private readonly KnownBrowser _browser = new();

    public IpDetailPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddScoped(_ => new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") });
        Services.AddScoped<IReadApi, DashboardApiClient>();
        Services.AddSingleton<IOperatorBrowser>(_browser);
        Services.AddSingleton(ChartDrawing.ThroughInterop);
        _handedOver = AddBunitPersistentComponentState();
        Services.AddSupplyValueFromPersistentComponentStateProvider();
        _api.Answer("api/v1/hosts", new List<HostInfo> { new("hoge", "Asia/Tokyo", "combined", At) });
        _api.Answer("api/v1/memory", new List<MemoryPoint>());
        _api.Answer("api/v1/events", new List<HostEventItem>());
        _api.Answer("api/v1/alerts", new List<AlertItem>());
        _api.Answer($"api/v1/ips/{Ip}/requests", new RequestPage([], null));
        SetRendererInfo(InBrowser);
    }

    [Fact]
    public void Shows_the_alerts_about_the_address_and_those_naming_it_as_a_suspect_with_their_evidence()
    {
        var elsewhere = DemoAlerts.Surge() with { Id = 9, Ip = "10.0.0.9", Summary = "10.0.0.9: surge of 300 requests" };
        _api.AnswerInstead("api/v1/alerts", new List<AlertItem> { DemoAlerts.Memory(), DemoAlerts.Shape(), elsewhere });
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));

        var page = RenderAt("range=1h");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("section.ip-alerts article.alert-card").Count), Patience);
        var shape = page.Find("section.ip-alerts article[data-rule=request-shape]");
        Assert.Contains("100% of its requests were HEAD answered 206", shape.TextContent, StringComparison.Ordinal);
        var memory = page.Find("section.ip-alerts article[data-rule=memory-exhaustion]");
        Assert.Contains("rose 21 min before memory fell, 100% HEAD→206, no user agent", memory.QuerySelector(".suspects")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.9", page.Find("section.ip-alerts").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Shows_the_requests_of_the_range_in_the_url()
    {
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));

        var page = RenderAt("range=1h");

        page.WaitForAssertion(() => Assert.Contains("452", page.Find("section.panel p strong").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void A_late_answer_for_a_view_already_left_does_not_replace_the_newer_one()
    {
        var late = _api.Hold($"api/v1/ips/{Ip}");
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));
        var page = RenderAt("range=1h");

        NavigateTo("range=6h");
        page.WaitForAssertion(() => Assert.Contains("452", page.Find("section.panel p strong").TextContent, StringComparison.Ordinal), Patience);
        late.SetResult(Detail(requests: 17));

        page.WaitForState(() => _api.Served(late), Patience);
        Assert.Contains("452", page.Find("section.panel p strong").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_server_drew_the_browser_shows_without_asking_the_api_again()
    {
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));
        DrawOnServerAndHandOver("range=1h", shows: "452");
        var askedByServer = _api.RequestsTo($"api/v1/ips/{Ip}") + _api.RequestsTo("api/v1/hosts") + _api.RequestsTo("api/v1/memory");

        SetRendererInfo(InBrowser);
        var shown = Render<IpDetailPage>(p => p.Add(x => x.Ip, Ip));

        Assert.Contains("452", shown.Find("section.panel p strong").TextContent, StringComparison.Ordinal);
        Assert.Equal(3, askedByServer);
        Assert.Equal(askedByServer, _api.RequestsTo($"api/v1/ips/{Ip}") + _api.RequestsTo("api/v1/hosts") + _api.RequestsTo("api/v1/memory"));
        // The raw requests come with the rest: asked for once, by the server.
        shown.WaitForState(() => _api.RequestsTo($"api/v1/ips/{Ip}/requests") == 1, Patience);
    }

    [Fact]
    public void After_showing_what_the_server_drew_a_new_view_is_fetched()
    {
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 17));
        DrawOnServerAndHandOver("range=1h", shows: "452");
        SetRendererInfo(InBrowser);
        var shown = Render<IpDetailPage>(p => p.Add(x => x.Ip, Ip));

        NavigateTo("range=6h");

        shown.WaitForAssertion(() => Assert.Contains("17", shown.Find("section.panel p strong").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void What_the_server_drew_for_another_address_is_not_shown()
    {
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 17));
        DrawOnServerAndHandOver("range=1h", shows: "452");

        SetRendererInfo(InBrowser);
        var shown = RenderAt("range=6h");

        shown.WaitForAssertion(() => Assert.Contains("17", shown.Find("section.panel p strong").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void The_server_leaves_a_view_in_the_browsers_zone_to_the_browser_when_it_does_not_know_the_zone()
    {
        _api.Answer($"api/v1/ips/{Ip}", Detail(requests: 452));
        _browser.TimeZone = null;
        SetRendererInfo(OnServer);

        var drawn = RenderAt("range=1h");

        Assert.Contains("Loading", drawn.Markup, StringComparison.Ordinal);
        Assert.Equal(0, _api.RequestsTo($"api/v1/ips/{Ip}") + _api.RequestsTo("api/v1/hosts"));
    }

    private static readonly RendererInfo OnServer = new("Static", isInteractive: false);
    private static readonly RendererInfo InBrowser = new("WebAssembly", isInteractive: true);

    /// <summary>The page as the server draws it, once it shows <paramref name="shows"/>; then what it showed is handed over.</summary>
    private void DrawOnServerAndHandOver(string query, string shows)
    {
        SetRendererInfo(OnServer);
        var drawn = RenderAt(query);
        drawn.WaitForAssertion(() => Assert.Contains(shows, drawn.Find("section.panel p strong").TextContent, StringComparison.Ordinal), Patience);
        _handedOver.TriggerOnPersisting();
    }

    private IRenderedComponent<IpDetailPage> RenderAt(string query)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"ips/{Ip}?{query}");
        return Render<IpDetailPage>(p => p.Add(x => x.Ip, Ip));
    }

    private void NavigateTo(string query) => Services.GetRequiredService<NavigationManager>().NavigateTo($"ips/{Ip}?{query}");

    private static IpDetail Detail(long requests) => new(
        Ip, requests, 127_000, At, At.AddMinutes(10), 60,
        [new TimelinePoint(At, requests)],
        new Dictionary<string, long> { ["200"] = requests },
        new Dictionary<string, long> { ["GET"] = requests },
        [new PathCount("/", requests)], [], [new HostCount("hoge", requests)], requests);
}
