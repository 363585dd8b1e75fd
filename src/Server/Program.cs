using Dashboard.Server.Cli;
using Dashboard.Server.Components;
using Dashboard.Server.Data;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest;

if (DashboardCommandLine.IsCommand(args))
{
    return await DashboardCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase(adoptRunningCluster: true);
builder.AddDatabaseMaintenance();
builder.AddDashboardAuth();
builder.AddIngest();
builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapIngestApi();
app.MapRazorComponents<App>()
    .AddInteractiveWebAssemblyRenderMode()
    .AddAdditionalAssemblies(typeof(Dashboard.Client.Routes).Assembly);
await app.RunAsync();
return 0;

public partial class Program;
