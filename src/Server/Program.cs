using Dashboard.Server.Cli;
using Dashboard.Server.Components;
using Dashboard.Server.Data;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest;
using Dashboard.Server.Stats;

if (DashboardCommandLine.IsCommand(args))
{
    return await DashboardCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase(adoptRunningCluster: true);
builder.AddDatabaseMaintenance();
builder.AddDatabaseFailureHandling();
builder.AddDashboardAuth();
builder.AddIngest();
builder.AddStats();
builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();

var app = builder.Build();
app.UseExceptionHandler();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapIngestApi();
app.MapStatsApi();
app.MapRazorComponents<App>()
    .AddInteractiveWebAssemblyRenderMode()
    .AddAdditionalAssemblies(typeof(Dashboard.Client.Routes).Assembly);
await app.RunAsync();
return 0;

public partial class Program;
