using Dashboard.Server.Data.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Data;

internal static class DatabaseExtensions
{
    /// <summary>
    /// PostgreSQL from <c>ConnectionStrings:Dashboard</c>, or else a private cluster run from the
    /// machine's PostgreSQL binaries in <c>DASHBOARD_DATA_DIR</c> (default <c>.data/</c>).
    /// </summary>
    public static void AddDatabase(this IHostApplicationBuilder builder, bool adoptRunningCluster)
    {
        var connectionString = builder.Configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = new EmbeddedPostgresOptions(builder.Configuration["DASHBOARD_DATA_DIR"] is { Length: > 0 } dir ? dir : ".data")
            {
                BinariesFolder = builder.Configuration["DASHBOARD_PG_BIN"],
                AdoptRunningCluster = adoptRunningCluster,
            };
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .AddConfiguration(builder.Configuration.GetSection("Logging"))
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
            // The connection string is needed to build the container, so the cluster starts here, before it.
            var embedded = EmbeddedPostgres.StartAsync(options, loggerFactory.CreateLogger<EmbeddedPostgres>()).GetAwaiter().GetResult();
            builder.Services.AddSingleton(embedded);
            // Registered first, so stopped last: after the web server and every other service.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StopEmbeddedPostgres>());
            connectionString = embedded.ConnectionString;
        }
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        // The dashboard's queries run in milliseconds; PostgreSQL's JIT, triggered by a high cost
        // estimate, spent 200 ms compiling one of them. Off for our sessions unless configured.
        if (dataSourceBuilder.ConnectionStringBuilder.Options is not { Length: > 0 })
        {
            dataSourceBuilder.ConnectionStringBuilder.Options = "-c jit=off";
        }
        var dataSource = dataSourceBuilder.Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContext<DashboardDb>(options => options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention());
        builder.Services.AddSingleton(TimeProvider.System);
    }

    /// <summary>
    /// Problem details for every error, 503 + Retry-After rather than 500 when the database fails, and
    /// <c>/healthz</c> for load balancers and container health checks.
    /// </summary>
    public static void AddDatabaseFailureHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
    }

    /// <summary>Migrations before the server listens; partitions and retention while it runs.</summary>
    public static void AddDatabaseMaintenance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration("Dashboard:Retention").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, ValidateRetentionOptions>();
        builder.Services.AddSingleton<Partitions>();
        builder.Services.AddSingleton<DatabaseMaintenance>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseMaintenance>());
    }

    public static async Task MigrateAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDb>();
        // Without the history table EF's first query fails and logs an error on every fresh database.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>Stops the embedded cluster (when this process started it) as the host shuts down.</summary>
internal sealed class StopEmbeddedPostgres(EmbeddedPostgres postgres) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await postgres.DisposeAsync();
}
