using System.Net;
using Dashboard.Server.Data;
using Dashboard.Server.Hosts;
using Dashboard.Server.MemoryEvents;
using Dashboard.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Stats;

/// <summary>
/// The read API: rollups for charts and rankings, raw rows only for one IP's requests. Pages the server draws
/// call the same handlers in-process (<see cref="Components.InProcessReadApi"/>).
/// </summary>
public static class StatsApi
{
    public static void AddStats(this IHostApplicationBuilder builder)
    {
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

    internal static async Task<Ok<List<HostInfo>>> GetHostsAsync(DashboardDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Hosts.AsNoTracking().OrderBy(h => h.Name)
            .Select(h => new HostInfo(h.Name, h.TimeZone, h.LogFormat, h.LastSeenAt == null ? null : new DateTimeOffset(h.LastSeenAt.Value)))
            .ToListAsync(ct));

    internal static async Task<Results<Ok<TrafficResponse>, ValidationProblem>> GetTrafficAsync(
        [AsParameters] RangeQuery query, int? top, ReadRanges ranges, TrafficQuery traffic, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        CheckCount(ref errors, "top", top, TrafficQuery.MaxTop);
        return errors is not null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await traffic.GetAsync(range!, top ?? TrafficQuery.DefaultTop, ct));
    }

    internal static async Task<Results<Ok<List<IpSummary>>, ValidationProblem>> GetIpsAsync(
        [AsParameters] RangeQuery query, int? limit, int? sparklines, ReadRanges ranges, IpListQuery ips, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        CheckCount(ref errors, "limit", limit, IpListQuery.MaxLimit);
        return errors is not null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await ips.GetAsync(range!, limit ?? IpListQuery.DefaultLimit, sparklines == 1, ct));
    }

    internal static async Task<Results<Ok<IpDetail>, NotFound, ValidationProblem>> GetIpAsync(
        string ip, [AsParameters] RangeQuery query, ReadRanges ranges, IpDetailQuery detail, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        var address = ParseIp(ip, ref errors);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return await detail.GetAsync(address!, range!, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();
    }

    internal static async Task<Results<Ok<RequestPage>, ValidationProblem>> GetIpRequestsAsync(
        string ip, [AsParameters] RangeQuery query, int? limit, string? before, ReadRanges ranges, IpRequestsQuery requests, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        var address = ParseIp(ip, ref errors);
        CheckCount(ref errors, "limit", limit, IpRequestsQuery.MaxLimit);
        RequestCursor? cursor = null;
        if (before is not null && !RequestCursor.TryParse(before, out cursor))
        {
            (errors ??= [])["before"] = ["must be the 'next' value of a previous page"];
        }
        return errors is not null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await requests.GetAsync(address!, range!, cursor, limit ?? IpRequestsQuery.DefaultLimit, ct));
    }

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> GetIpRequestsCsvAsync(
        string ip, [AsParameters] RangeQuery query, HttpContext context, ReadRanges ranges, IpRequestsQuery requests, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        var address = ParseIp(ip, ref errors);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"requests-{address!.ToString().Replace(':', '-')}.csv\"";
        await RequestsCsv.WriteAsync(context.Response.Body, requests, address, range!, ct);
        return TypedResults.Empty;
    }

    internal static async Task<Results<Ok<List<MemoryPoint>>, ValidationProblem>> GetMemoryAsync(
        [AsParameters] RangeQuery query, ReadRanges ranges, MemoryQuery memory, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        return errors is not null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await memory.GetAsync(range!, ct));
    }

    internal static async Task<Results<Ok<List<HostEventItem>>, ValidationProblem>> GetEventsAsync(
        [AsParameters] RangeQuery query, ReadRanges ranges, HostEventsQuery events, CancellationToken ct)
    {
        var (range, errors) = await ranges.ResolveAsync(query, ct);
        return errors is not null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await events.GetAsync(range!, ct));
    }

    private static void CheckCount(ref Dictionary<string, string[]>? errors, string name, int? value, int max)
    {
        if (value is < 1 || value > max)
        {
            (errors ??= [])[name] = [$"must be between 1 and {max}"];
        }
    }

    private static IPAddress? ParseIp(string text, ref Dictionary<string, string[]>? errors)
    {
        // IPAddress.TryParse also takes legacy forms ("10.1" is 10.0.0.1): an IPv4 address must be a dotted quad.
        var isDottedQuad = text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');
        if (IPAddress.TryParse(text, out var address) && !text.Contains('%', StringComparison.Ordinal)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || isDottedQuad))
        {
            // An IPv4 address written as IPv6 (::ffff:1.2.3.4) is stored as the IPv4 address.
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }
        (errors ??= [])["ip"] = ["must be an IPv4 or IPv6 address"];
        return null;
    }
}
