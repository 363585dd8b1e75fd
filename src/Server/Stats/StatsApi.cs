using Dashboard.Server.Hosts;
using Dashboard.Server.MemoryEvents;
using Dashboard.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Stats;

/// <summary>
/// The read API: rollups for charts and rankings, raw rows only for one IP's requests. Each endpoint reads
/// its range from the query string and asks <see cref="StatsQueries"/>, as the pages the server draws do.
/// </summary>
public static class StatsApi
{
    public static void AddStats(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<StatsQueries>();
        builder.Services.AddScoped<ReadRanges>();
        builder.Services.AddSingleton<IpRanking>();
        builder.Services.AddSingleton<TrafficQuery>();
        builder.Services.AddSingleton<IpListQuery>();
        builder.Services.AddSingleton<SparklineQuery>();
        builder.Services.AddSingleton<IpDetailQuery>();
        builder.Services.AddSingleton<IpRequestsQuery>();
        builder.Services.AddSingleton<MemoryQuery>();
        builder.Services.AddSingleton<HostEventsQuery>();
        builder.Services.AddSingleton<HourLeaders>();
        builder.Services.AddHostedService<HourLeadersRefresher>();
    }

    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").RequireAuthorization(Policies.Reader);
        group.MapGet("/hosts", GetHostsAsync);
        group.MapGet("/traffic", GetTrafficAsync);
        group.MapGet("/ips", GetIpsAsync);
        group.MapGet("/ips/{ip}", GetIpAsync);
        group.MapGet("/ips/{ip}/requests", GetIpRequestsAsync);
        group.MapGet("/ips/{ip}/requests.csv", GetIpRequestsCsvAsync);
        group.MapGet("/memory", GetMemoryAsync);
        group.MapGet("/events", GetEventsAsync);
        return group;
    }

    private static async Task<Ok<List<HostInfo>>> GetHostsAsync(StatsQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.HostsAsync(ct));

    private static Task<Results<Ok<TrafficResponse>, ValidationProblem>> GetTrafficAsync(
        [AsParameters] RangeQuery query, int? top, StatsQueries queries, TimeProvider clock, CancellationToken ct) =>
        AnswerAsync(query, clock, range => queries.TrafficAsync(range, top, ct));

    private static Task<Results<Ok<List<IpSummary>>, ValidationProblem>> GetIpsAsync(
        [AsParameters] RangeQuery query, int? limit, int? sparklines, StatsQueries queries, TimeProvider clock, CancellationToken ct) =>
        AnswerAsync(query, clock, range => queries.IpsAsync(range, limit, sparklines == 1, ct));

    private static async Task<Results<Ok<IpDetail>, NotFound, ValidationProblem>> GetIpAsync(
        string ip, [AsParameters] RangeQuery query, StatsQueries queries, TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryRead(clock.GetUtcNow(), out var range, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        var answer = await queries.IpAsync(ip, range, ct);
        return answer switch
        {
            { Errors: { } refused } => TypedResults.ValidationProblem(refused),
            { Value: { } detail } => TypedResults.Ok(detail),
            _ => TypedResults.NotFound(),
        };
    }

    private static Task<Results<Ok<RequestPage>, ValidationProblem>> GetIpRequestsAsync(
        string ip, [AsParameters] RangeQuery query, int? limit, string? before, StatsQueries queries, TimeProvider clock, CancellationToken ct) =>
        AnswerAsync(query, clock, range => queries.IpRequestsAsync(ip, range, limit, before, ct));

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> GetIpRequestsCsvAsync(
        string ip, [AsParameters] RangeQuery query, HttpContext context, StatsQueries queries, TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryRead(clock.GetUtcNow(), out var range, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        var answer = await queries.IpRequestsCsvAsync(ip, range, ct);
        if (answer.Errors is { } refused)
        {
            return TypedResults.ValidationProblem(refused);
        }
        var csv = answer.Value!;
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{csv.FileName}\"";
        await csv.WriteAsync(context.Response.Body, ct);
        return TypedResults.Empty;
    }

    private static Task<Results<Ok<List<MemoryPoint>>, ValidationProblem>> GetMemoryAsync(
        [AsParameters] RangeQuery query, StatsQueries queries, TimeProvider clock, CancellationToken ct) =>
        AnswerAsync(query, clock, range => queries.MemoryAsync(range, ct));

    private static Task<Results<Ok<List<HostEventItem>>, ValidationProblem>> GetEventsAsync(
        [AsParameters] RangeQuery query, StatsQueries queries, TimeProvider clock, CancellationToken ct) =>
        AnswerAsync(query, clock, range => queries.EventsAsync(range, ct));

    // A range that cannot be read is refused with its reasons; the other parameters are checked with a range that can.
    private static async Task<Results<Ok<T>, ValidationProblem>> AnswerAsync<T>(
        RangeQuery query, TimeProvider clock, Func<TimeRange, Task<ReadAnswer<T>>> read)
        where T : class
    {
        if (!query.TryRead(clock.GetUtcNow(), out var range, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        var answer = await read(range);
        return answer.Errors is { } refused ? TypedResults.ValidationProblem(refused) : TypedResults.Ok(answer.Value!);
    }
}
