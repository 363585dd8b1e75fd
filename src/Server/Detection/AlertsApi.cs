using System.Security.Claims;
using Dashboard.Server.Detection.Notifications;
using Dashboard.Server.Hosts;
using Dashboard.Server.Stats;
using Dashboard.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Detection;

/// <summary>Alerts for readers (<c>GET /api/v1/alerts</c>); webhooks and silences for operators.</summary>
public static class AlertsApi
{
    public static void AddDetection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DetectionOptions>().BindConfiguration("Dashboard:Detection").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DetectionOptions>, ValidateDetectionOptions>();
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration("Dashboard:Notifications").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, ValidateNotificationOptions>();
        builder.Services.AddSingleton<Suspects>();
        builder.Services.AddSingleton<IDetectionRule, ShapeRule>();
        builder.Services.AddSingleton<IDetectionRule, SurgeRule>();
        builder.Services.AddSingleton<IDetectionRule, MemoryExhaustionRule>();
        builder.Services.AddSingleton<IDetectionRule, OomKillRule>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<DetectionRound>();
        builder.Services.AddSingleton<DetectionSignal>();
        builder.Services.AddSingleton<AlertQueries>();
        builder.Services.AddSingleton<DetectionProgress>();
        builder.Services.AddHttpClient(WebhookSender.ClientName);
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<Notifier>();
        builder.Services.AddScoped<WebhookRegistry>();
        builder.Services.AddScoped<SilenceRegistry>();
        builder.Services.AddHostedService<DetectionService>();
    }

    public static void MapAlertsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1").RequireAuthorization(Policies.Reader).MapGet("/alerts", GetAlertsAsync);

        var admin = routes.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Operator).AddEndpointFilter<DashboardRequestFilter>();
        admin.MapGet("/webhooks", ListWebhooksAsync);
        admin.MapPost("/webhooks", AddWebhookAsync);
        admin.MapDelete("/webhooks/{id:int}", RemoveWebhookAsync);
        admin.MapPost("/webhooks/{id:int}/test", TestWebhookAsync);
        admin.MapGet("/silences", ListSilencesAsync);
        admin.MapPost("/silences", AddSilenceAsync);
        admin.MapDelete("/silences/{id:int}", RemoveSilenceAsync);
    }

    internal static async Task<Results<Ok<List<AlertItem>>, ValidationProblem>> GetAlertsAsync(
        [AsParameters] RangeQuery query, string? rule, string? severity, string? state, string? ip, StatsQueries queries, TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryRead(clock.GetUtcNow(), out var range, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        var answer = await queries.AlertsAsync(range, new AlertCriteria(rule, severity, state, ip), ct);
        return answer.Errors is { } refused ? TypedResults.ValidationProblem(refused) : TypedResults.Ok(answer.Value!);
    }

    private static async Task<Ok<List<WebhookInfo>>> ListWebhooksAsync(WebhookRegistry webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.ListAsync(ct));

    private static async Task<Results<Created<WebhookInfo>, ValidationProblem>> AddWebhookAsync(WebhookRequest request, WebhookRegistry webhooks, CancellationToken ct)
    {
        var (webhook, error) = await webhooks.AddAsync(request.Url ?? "", request.Format, request.Secret, ct);
        return error is not null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["webhook"] = [error] })
            : TypedResults.Created($"/api/v1/admin/webhooks/{webhook!.Id}", webhook);
    }

    private static async Task<Results<NoContent, NotFound>> RemoveWebhookAsync(int id, WebhookRegistry webhooks, CancellationToken ct) =>
        await webhooks.RemoveAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<WebhookTestResult>, NotFound>> TestWebhookAsync(int id, WebhookRegistry webhooks, CancellationToken ct) =>
        await webhooks.TestAsync(id, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound();

    private static async Task<Ok<List<SilenceInfo>>> ListSilencesAsync(SilenceRegistry silences, CancellationToken ct) =>
        TypedResults.Ok(await silences.ListAsync(ct));

    private static async Task<Results<Created<SilenceInfo>, ValidationProblem>> AddSilenceAsync(
        SilenceRequest request, ClaimsPrincipal user, SilenceRegistry silences, CancellationToken ct)
    {
        var (silence, error) = await silences.AddAsync(request, user.Identity?.Name ?? "operator", ct);
        return error is not null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["silence"] = [error] })
            : TypedResults.Created($"/api/v1/admin/silences/{silence!.Id}", silence);
    }

    private static async Task<Results<NoContent, NotFound>> RemoveSilenceAsync(int id, SilenceRegistry silences, CancellationToken ct) =>
        await silences.RemoveAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
