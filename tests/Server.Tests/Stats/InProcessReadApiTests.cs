using System.Security.Claims;
using System.Text.Json;
using Dashboard.Client.Api;
using Dashboard.Server.Hosts;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Stats;

/// <summary>
/// The pages read through one interface: on the server, drawing them, in-process; in the browser, over HTTP.
/// Both ask the same queries, so the same range gives the same answer, and the same refusal.
/// </summary>
public sealed class InProcessReadApiTests(ThreeZonesApp app) : IClassFixture<ThreeZonesApp>
{
    private static readonly DateTimeOffset Start = ThreeZonesApp.Start;

    public static TheoryData<string, DateTimeOffset, DateTimeOffset, string?> Ranges => new()
    {
        { "the hour, in UTC", Start, Start.AddHours(1), null },
        { "the hour, written in Tokyo's and New York's offsets", Start.ToOffset(ThreeZonesApp.Tokyo), Start.AddHours(1).ToOffset(ThreeZonesApp.NewYork), null },
        { "one host", Start, Start.AddHours(1), "tokyo" },
        { "a zoom between minutes, to the tick", Start.AddMinutes(9).AddTicks(1_234_567), Start.AddMinutes(21).AddTicks(7), null },
        { "a day", Start.AddHours(-20), Start.AddHours(4), null },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task The_same_range_gives_the_same_answer_in_process_and_over_http(string range, DateTimeOffset from, DateTimeOffset to, string? host)
    {
        var timeRange = new TimeRange(from, to, host);
        var ct = CancellationToken.None;
        await using var scope = app.Services.CreateAsyncScope();
        var inProcess = InProcess(scope);
        using var http = OverHttp();
        Dictionary<string, Func<IReadApi, Task<object?>>> reads = new()
        {
            ["hosts"] = async api => await api.GetHostsAsync(ct),
            ["traffic"] = async api => await api.GetTrafficAsync(timeRange, 5, ct),
            ["ips"] = async api => await api.GetIpsAsync(timeRange, 50, ct),
            ["the attacker"] = async api => await api.GetIpAsync(ThreeZonesApp.Attacker, timeRange, ct),
            ["an address that sent nothing"] = async api => await api.GetIpAsync("192.0.2.250", timeRange, ct),
            ["the attacker's requests"] = async api => await api.GetRequestsAsync(ThreeZonesApp.Attacker, timeRange, null, 100, ct),
            ["memory"] = async api => await api.GetMemoryAsync(timeRange, ct),
            ["events"] = async api => await api.GetEventsAsync(timeRange, ct),
        };

        foreach (var (name, read) in reads)
        {
            var (overHttp, drawn) = (Json(await read(http.Api)), Json(await read(inProcess)));
            Assert.True(overHttp == drawn, $"{range}, {name}: over HTTP {overHttp}, in-process {drawn}");
        }
        Assert.Contains(ThreeZonesApp.Attacker, Json(await inProcess.GetIpsAsync(timeRange, 50, ct)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nosuchhost")]
    [InlineData("a\u0000b")]
    public async Task A_range_the_api_refuses_is_refused_in_process_too(string host)
    {
        var range = new TimeRange(Start, Start.AddHours(1), host);
        await using var scope = app.Services.CreateAsyncScope();
        using var http = OverHttp();

        var overHttp = await Assert.ThrowsAsync<ApiUnavailableException>(() => http.Api.GetEventsAsync(range, CancellationToken.None));
        var inProcess = await Assert.ThrowsAsync<ApiUnavailableException>(() => InProcess(scope).GetEventsAsync(range, CancellationToken.None));

        Assert.StartsWith("the server answered 400", overHttp.Message, StringComparison.Ordinal);
        Assert.StartsWith("the server answered 400", inProcess.Message, StringComparison.Ordinal);
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    /// <summary>The server's read API, for a request made with a read token.</summary>
    private static IReadApi InProcess(AsyncServiceScope scope)
    {
        var reader = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DashboardClaims.Role, Roles.Reader)], "test"));
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = reader };
        return scope.ServiceProvider.GetRequiredService<IReadApi>();
    }

    /// <summary>The browser's read API, with a read token.</summary>
    private Browser OverHttp() => new(app.ClientWithToken(app.ReadToken));

    private sealed class Browser(HttpClient client) : IDisposable
    {
        public DashboardApiClient Api { get; } = new(client, new Here());

        public void Dispose() => client.Dispose();
    }

    private sealed class Here : NavigationManager
    {
        public Here() => Initialize("http://localhost/", "http://localhost/");
    }
}
