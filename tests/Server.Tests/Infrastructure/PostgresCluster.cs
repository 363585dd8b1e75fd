using Dashboard.Server.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL every test in this process shares: the one <c>DASHBOARD_TEST_POSTGRES</c> names (an
/// admin connection string), else a throwaway cluster started by the product's own embedded launcher.
/// </summary>
public static class PostgresCluster
{
    public const string ConnectionVariable = "DASHBOARD_TEST_POSTGRES";
    private const string FolderPrefix = "aid-test-";

    private static readonly Lazy<Task<string>> AdminConnection = new(StartAsync);
    private static EmbeddedPostgres? _embedded;
    private static string? _folder;

    public static Task<string> AdminConnectionStringAsync() => AdminConnection.Value;

    /// <summary>A new, empty database (from template0) for one test class.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var admin = await AdminConnectionStringAsync();
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            return given;
        }
        RemoveStoppedClusters();
        // Short: the cluster's unix socket path must fit in 107 bytes.
        _folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..8]);
        _embedded = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions(_folder)
            {
                AdoptRunningCluster = true,
                Settings = new Dictionary<string, string> { ["fsync"] = "off", ["synchronous_commit"] = "off", ["full_page_writes"] = "off", ["max_connections"] = "200" },
            },
            NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        return _embedded.AdminConnectionString;
    }

    /// <summary>
    /// Removes the folders of earlier runs whose cluster has stopped: the test host may be ended before its
    /// exit handler has deleted its own. A folder younger than an hour may be another run's, starting up.
    /// </summary>
    private static void RemoveStoppedClusters()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var running = File.Exists(Path.Combine(folder, "postgres", "pgdata", "postmaster.pid"));
            if (!running && Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another run's, or not ours to remove: left as it is.
                }
            }
        }
    }

    private static void Stop()
    {
        _embedded?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_folder is not null)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A cluster still shutting down may hold a file; the temp folder is cleaned eventually.
            }
        }
    }
}
