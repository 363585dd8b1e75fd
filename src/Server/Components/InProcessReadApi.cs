using Dashboard.Client.Api;
using Dashboard.Server.Data;
using Dashboard.Server.Hosts;
using Dashboard.Server.Stats;
using Dashboard.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Server.Components;

/// <summary>
/// The read API for the pages the server draws before WebAssembly has started: the queries the HTTP
/// endpoints answer with (<see cref="StatsQueries"/>), asked in-process for the operator of the request.
/// Each call has a scope of its own, as an HTTP request would: a page asks for several things at once, and
/// a DbContext runs one query at a time.
/// </summary>
internal sealed class InProcessReadApi(
    IHttpContextAccessor http, IAuthorizationService authorization, IServiceScopeFactory scopes, NavigationManager navigation) : IReadApi
{
    public Task<List<HostInfo>> GetHostsAsync(CancellationToken ct) =>
        ReadAsync(queries => queries.HostsAsync(ct));

    public Task<TrafficResponse> GetTrafficAsync(TimeRange range, int top, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.TrafficAsync(range, top, ct)));

    public Task<List<IpSummary>> GetIpsAsync(TimeRange range, int limit, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.IpsAsync(range, limit, withSparklines: true, ct)));

    public Task<IpDetail?> GetIpAsync(string ip, TimeRange range, CancellationToken ct) =>
        ReadAsync(async queries => ValueOrNull(await queries.IpAsync(ip, range, ct)));

    public Task<RequestPage> GetRequestsAsync(string ip, TimeRange range, string? before, int limit, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.IpRequestsAsync(ip, range, limit, before, ct)));

    public Task<List<MemoryPoint>> GetMemoryAsync(TimeRange range, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.MemoryAsync(range, ct)));

    public Task<List<HostEventItem>> GetEventsAsync(TimeRange range, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.EventsAsync(range, ct)));

    public Task<List<AlertItem>> GetAlertsAsync(TimeRange range, AlertCriteria criteria, CancellationToken ct) =>
        ReadAsync(async queries => ValueOf(await queries.AlertsAsync(range, criteria, ct)));

    public async Task<SessionInfo?> GetSessionAsync(CancellationToken ct) =>
        await AllowsAsync(Policies.Operator) is { } user ? SessionApi.GetSession(user).Value : null;

    private async Task<T> ReadAsync<T>(Func<StatsQueries, Task<T>> read)
    {
        if (await AllowsAsync(Policies.Reader) is null)
        {
            navigation.NavigateToSignIn();
            throw new SignInRequiredException();
        }
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            return await read(scope.ServiceProvider.GetRequiredService<StatsQueries>());
        }
        catch (Exception e) when (DatabaseFailures.IsDatabaseFailure(e))
        {
            throw new ApiUnavailableException("the database is unavailable");
        }
    }

    /// <summary>The request's operator, if the policy lets them in.</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal?> AllowsAsync(string policy) =>
        http.HttpContext?.User is { } user && (await authorization.AuthorizeAsync(user, policy)).Succeeded ? user : null;

    private static T ValueOf<T>(ReadAnswer<T> answer)
        where T : class => ValueOrNull(answer)!;

    // What the HTTP client would make of a refusal (a 400): the API failing the page.
    private static T? ValueOrNull<T>(ReadAnswer<T> answer)
        where T : class =>
        answer.Errors is { } errors
            ? throw new ApiUnavailableException("the server answered 400: " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
            : answer.Value;
}
