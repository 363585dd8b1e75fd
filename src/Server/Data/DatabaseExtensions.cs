using Dashboard.Server.Data.Embedded;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Server.Data;

internal static class DatabaseExtensions
{
    /// <summary>
    /// PostgreSQL from <c>ConnectionStrings:Dashboard</c>, or else a private cluster the server runs
    /// itself in <c>DASHBOARD_DATA_DIR</c> (default <c>.data/</c>) and stops on exit.
    /// </summary>
    public static void AddDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDirectory = Path.GetFullPath(builder.Configuration["DASHBOARD_DATA_DIR"] is { Length: > 0 } dir ? dir : ".data");
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole());
            // The connection string is needed to build the container, so the cluster starts here, before it.
            var embedded = EmbeddedPostgres.StartAsync(dataDirectory, loggerFactory.CreateLogger<EmbeddedPostgres>()).GetAwaiter().GetResult();
            builder.Services.AddSingleton(embedded);
            // Registered first, so stopped last: after the web server and every other service.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StopEmbeddedPostgres>());
            connectionString = embedded.ConnectionString;
        }
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContext<DashboardDb>(options => options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention());
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static async Task MigrateAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDb>();
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>Stops the embedded cluster (when this process started it) as the host shuts down.</summary>
internal sealed class StopEmbeddedPostgres(EmbeddedPostgres postgres) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await postgres.DisposeAsync();
}
