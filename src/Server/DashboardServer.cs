using Dashboard.Server.Components;
using Dashboard.Server.Data;
using Dashboard.Server.Detection;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest;
using Dashboard.Server.Ingest.Loki;
using Dashboard.Server.Security;
using Dashboard.Server.Stats;

namespace Dashboard.Server;

/// <summary>The web server: what it is made of, and what it answers. Serving and <c>demo</c> both start it.</summary>
internal static class DashboardServer
{
    /// <param name="configure">What a command adds to the plain server (the demo adds its loader).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddDatabase(adoptRunningCluster: true);
        builder.AddDatabaseMaintenance();
        builder.AddDatabaseFailureHandling();
        builder.AddDashboardAuth();
        builder.AddIngest();
        builder.AddStats();
        builder.AddDetection();
        builder.AddServerDrawnPages();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHealthChecks("/healthz");
        app.MapIngestApi();
        app.MapLokiPushApi();
        app.MapStatsApi();
        app.MapAlertsApi();
        app.MapSessionApi();
        app.MapAdminApi();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Dashboard.Client.Routes).Assembly);
        return app;
    }
}
