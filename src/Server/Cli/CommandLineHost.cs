using Dashboard.Server.Data;
using Dashboard.Server.Data.Embedded;
using Dashboard.Server.Hosts;

namespace Dashboard.Server.Cli;

/// <summary>
/// The database, and nothing else of the server, for one command: migrated, and — when the command
/// started the embedded cluster itself — stopped again afterwards. Logs go to stderr so that stdout
/// carries only the command's answer (a token can be captured with $(…)).
/// </summary>
internal static class CommandLineHost
{
    public static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        try
        {
            builder.AddDatabase(adoptRunningCluster: false);
            builder.Services.AddScoped<HostRegistry>();
            builder.Services.AddScoped<OperatorAccounts>();
        }
        catch (EmbeddedPostgresException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        using var host = builder.Build();
        var embedded = host.Services.GetService<EmbeddedPostgres>();
        try
        {
            await host.Services.MigrateAsync(ct);
            await using var scope = host.Services.CreateAsyncScope();
            return await command(scope.ServiceProvider, ct);
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }
}
