using Dashboard.Client.Api;
using Dashboard.Server.Data;
using Dashboard.Server.Hosts;
using Dashboard.Server.MemoryEvents;
using Dashboard.Server.Stats;
using Dashboard.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Dashboard.Server.Components;

/// <summary>
/// The read API for the pages the server draws before WebAssembly has started: the HTTP endpoints' own
/// handlers, called in-process for the operator of the request. Each call has a scope of its own, as an
/// HTTP request would: a page asks for several things at once, and a DbContext runs one query at a time.
/// </summary>
internal sealed class InProcessReadApi(
    IHttpContextAccessor http, IAuthorizationService authorization, IServiceScopeFactory scopes, NavigationManager navigation) : IReadApi
{
    public Task<List<HostInfo>> GetHostsAsync(CancellationToken ct) =>
        ReadAsync(async services => (await StatsApi.GetHostsAsync(services.GetRequiredService<DashboardDb>(), ct)).Value!);

    public Task<TrafficResponse> GetTrafficAsync(string rangeQuery, int top, CancellationToken ct) =>
        ReadAsync(async services => ValueOf<TrafficResponse>((await StatsApi.GetTrafficAsync(
            Range(rangeQuery), top, services.GetRequiredService<ReadRanges>(), services.GetRequiredService<TrafficQuery>(), ct)).Result));

    public Task<List<IpSummary>> GetIpsAsync(string rangeQuery, int limit, CancellationToken ct) =>
        ReadAsync(async services => ValueOf<List<IpSummary>>((await StatsApi.GetIpsAsync(
            Range(rangeQuery), limit, 1, services.GetRequiredService<ReadRanges>(), services.GetRequiredService<IpListQuery>(), ct)).Result));

    public Task<IpDetail?> GetIpAsync(string ip, string rangeQuery, CancellationToken ct) =>
        ReadAsync(async services =>
        {
            var result = (await StatsApi.GetIpAsync(
                ip, Range(rangeQuery), services.GetRequiredService<ReadRanges>(), services.GetRequiredService<IpDetailQuery>(), ct)).Result;
            return result is NotFound ? null : ValueOf<IpDetail?>(result);
        });

    public Task<RequestPage> GetRequestsAsync(string ip, string rangeQuery, string? before, int limit, CancellationToken ct) =>
        ReadAsync(async services => ValueOf<RequestPage>((await StatsApi.GetIpRequestsAsync(
            ip, Range(rangeQuery), limit, before, services.GetRequiredService<ReadRanges>(), services.GetRequiredService<IpRequestsQuery>(), ct)).Result));

    public Task<List<MemoryPoint>> GetMemoryAsync(string rangeQuery, CancellationToken ct) =>
        ReadAsync(async services => ValueOf<List<MemoryPoint>>((await StatsApi.GetMemoryAsync(
            Range(rangeQuery), services.GetRequiredService<ReadRanges>(), services.GetRequiredService<MemoryQuery>(), ct)).Result));

    public Task<List<HostEventItem>> GetEventsAsync(string rangeQuery, CancellationToken ct) =>
        ReadAsync(async services => ValueOf<List<HostEventItem>>((await StatsApi.GetEventsAsync(
            Range(rangeQuery), services.GetRequiredService<ReadRanges>(), services.GetRequiredService<HostEventsQuery>(), ct)).Result));

    public async Task<SessionInfo?> GetSessionAsync(CancellationToken ct) =>
        await AllowsAsync(Policies.Operator) is { } user ? SessionApi.GetSession(user).Value : null;

    private async Task<T> ReadAsync<T>(Func<IServiceProvider, Task<T>> read)
    {
        if (await AllowsAsync(Policies.Reader) is null)
        {
            navigation.NavigateToSignIn();
            throw new SignInRequiredException();
        }
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            return await read(scope.ServiceProvider);
        }
        catch (Exception e) when (DatabaseFailures.IsDatabaseFailure(e))
        {
            throw new ApiUnavailableException("the database is unavailable");
        }
    }

    /// <summary>The request's operator, if the policy lets them in.</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal?> AllowsAsync(string policy) =>
        http.HttpContext?.User is { } user && (await authorization.AuthorizeAsync(user, policy)).Succeeded ? user : null;

    private static RangeQuery Range(string apiQuery)
    {
        var values = QueryHelpers.ParseQuery(apiQuery);
        return new RangeQuery(values.GetValueOrDefault("from"), values.GetValueOrDefault("to"), values.GetValueOrDefault("host"));
    }

    // What the HTTP client would make of the answer: a refusal is the API failing the page.
    private static T ValueOf<T>(IResult result) => result switch
    {
        Ok<T> ok => ok.Value!,
        ValidationProblem problem => throw new ApiUnavailableException(
            "the server answered 400: " + string.Join("; ", problem.ProblemDetails.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))),
        _ => throw new ApiUnavailableException($"the server answered {(result as IStatusCodeHttpResult)?.StatusCode}"),
    };
}
