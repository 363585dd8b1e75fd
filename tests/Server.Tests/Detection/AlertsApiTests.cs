using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Dashboard.Client.Api;
using Dashboard.Server.Demo;
using Dashboard.Server.Hosts;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Detection;

/// <summary>
/// <c>GET /api/v1/alerts</c> over the demo incident's alerts: its filters narrow them, a value it cannot read is
/// refused with the reason, and the pages the server draws read the same alerts in-process.
/// </summary>
public sealed class AlertsApiTests(DemoIncidentApp app) : IClassFixture<DemoIncidentApp>
{
    private static readonly TimeRange Incident = new(DemoIncident.Start, DemoIncident.End, DemoIncident.HostName);

    public static TheoryData<string, string[]> Filters => new()
    {
        { "rule=oom-kill", [AlertRules.OomKill] },
        { "ip=202.215.15.8", [AlertRules.Surge, AlertRules.RequestShape] },
        { "ip=::ffff:202.215.15.8", [AlertRules.Surge, AlertRules.RequestShape] },
        { "rule=request-shape&severity=critical&state=resolved", [AlertRules.RequestShape] },
        { "state=firing", [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Filters_narrow_the_alerts_of_the_range(string filter, string[] rules)
    {
        using var reader = app.ClientWithToken(await app.AddReaderAsync($"filters {Guid.NewGuid():N}"));

        var alerts = await reader.GetFromJsonAsync<List<AlertItem>>($"/api/v1/alerts?{Incident.ToQuery()}&{filter}");

        Assert.Equal(rules.Order(), alerts!.Select(a => a.Rule).Order());
    }

    [Fact]
    public async Task Filters_it_cannot_read_are_refused_each_with_its_reason()
    {
        using var reader = app.ClientWithToken(await app.AddReaderAsync($"refused {Guid.NewGuid():N}"));

        using var response = await reader.GetAsync($"/api/v1/alerts?{Incident.ToQuery()}&rule=dos&severity=high&state=open&ip=10.1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Problem>();
        Assert.Equal(["ip", "rule", "severity", "state"], problem!.Errors.Keys.Order());
    }

    [Fact]
    public async Task The_server_drawn_pages_read_the_same_alerts_in_process_as_the_browser_over_http()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var reader = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DashboardClaims.Role, Roles.Reader)], "test"));
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = reader };
        var inProcess = scope.ServiceProvider.GetRequiredService<IReadApi>();
        using var client = app.ClientWithToken(await app.AddReaderAsync($"same {Guid.NewGuid():N}"));
        var overHttp = new DashboardApiClient(client, new Here());

        foreach (var criteria in new[] { AlertCriteria.None, new AlertCriteria(Ip: DemoIncident.Attacker), new AlertCriteria(Rule: AlertRules.MemoryExhaustion) })
        {
            var drawn = await inProcess.GetAlertsAsync(Incident, criteria, CancellationToken.None);
            var fetched = await overHttp.GetAlertsAsync(Incident, criteria, CancellationToken.None);
            Assert.NotEmpty(drawn);
            Assert.Equal(JsonSerializer.Serialize(fetched, JsonSerializerOptions.Web), JsonSerializer.Serialize(drawn, JsonSerializerOptions.Web));
        }
    }

    private sealed record Problem(Dictionary<string, string[]> Errors);

    private sealed class Here : NavigationManager
    {
        public Here() => Initialize("http://localhost/", "http://localhost/");
    }
}
