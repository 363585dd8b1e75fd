using Dashboard.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Hosts;

/// <summary>What an operator manages from the dashboard: hosts and their ingest tokens, read tokens.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Operator).AddEndpointFilter<DashboardRequestFilter>();
        group.MapPost("/hosts", AddHostAsync);
        group.MapPost("/hosts/{name}/tokens", AddIngestTokenAsync);
        group.MapGet("/tokens", ListTokensAsync);
        group.MapPost("/tokens", AddReadTokenAsync);
        group.MapDelete("/tokens/{id:int}", RevokeTokenAsync);
        return group;
    }

    private static async Task<Results<Created<IssuedToken>, ValidationProblem>> AddHostAsync(HostRequest request, HostRegistry registry, CancellationToken ct)
    {
        var (host, token, error) = await registry.AddHostAsync(
            request.Name ?? "", request.TimeZone ?? "", string.IsNullOrWhiteSpace(request.LogFormat) ? HostRegistry.DefaultLogFormat : request.LogFormat, ct);
        return error is not null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["host"] = [error] })
            : TypedResults.Created($"/api/v1/hosts", token!);
    }

    private static async Task<Results<Ok<IssuedToken>, NotFound>> AddIngestTokenAsync(string name, HostRegistry registry, CancellationToken ct)
    {
        var (token, _) = await registry.AddIngestTokenAsync(name, ct);
        return token is null ? TypedResults.NotFound() : TypedResults.Ok(token);
    }

    private static async Task<Ok<List<TokenInfo>>> ListTokensAsync(HostRegistry registry, CancellationToken ct) =>
        TypedResults.Ok((await registry.ListTokensAsync(ct))
            .Select(t => new TokenInfo(t.Id, t.Kind, t.Name, t.Host, new DateTimeOffset(t.CreatedAt),
                t.RevokedAt is { } revoked ? new DateTimeOffset(revoked) : null))
            .ToList());

    private static async Task<Results<Ok<IssuedToken>, ValidationProblem>> AddReadTokenAsync(ReaderRequest request, HostRegistry registry, CancellationToken ct)
    {
        var (token, error) = await registry.AddReadTokenAsync(request.Name ?? "", ct);
        return error is not null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [error] })
            : TypedResults.Ok(token!);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeTokenAsync(int id, HostRegistry registry, CancellationToken ct) =>
        await registry.RevokeTokenAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
