using System.Diagnostics;
using System.Globalization;
using Dashboard.Server.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test's own, started by the product's embedded launcher, that the test may
/// kill (SIGKILL of the postmaster, as the OOM killer or a power cut would) and start again.
/// </summary>
public sealed class CrashableCluster : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private EmbeddedPostgres? _postgres;

    private CrashableCluster()
    {
    }

    /// <summary>The dashboard database of the cluster.</summary>
    public string ConnectionString => _postgres!.ConnectionString;

    /// <summary>The maintenance database (to create tablespaces and databases).</summary>
    public string AdminConnectionString => _postgres!.AdminConnectionString;

    public static async Task<CrashableCluster> StartAsync()
    {
        var cluster = new CrashableCluster();
        await cluster.StartPostgresAsync();
        return cluster;
    }

    private string DataFolder => Environment.UserName == "root"
        ? Path.Combine(_folder.Path, "postgres", "pgdata")
        : Path.Combine(_folder.Path, "pgdata");

    private async Task StartPostgresAsync() =>
        _postgres = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions(_folder.Path) { AdoptRunningCluster = true, Settings = new Dictionary<string, string> { ["fsync"] = "off" } },
            NullLogger.Instance);

    /// <summary>Kills the postmaster with SIGKILL and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(DataFolder, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        using var postmaster = Process.GetProcessById(pid);
        postmaster.Kill();
        await postmaster.WaitForExitAsync();
    }

    /// <summary>
    /// Starts the killed cluster again (crash recovery). Until the killed postmaster's backends have noticed
    /// and exited, its shared memory is still in use and a new postmaster refuses to start, and until its
    /// recovery ends it refuses connections: try until it answers.
    /// </summary>
    public async Task RestartAsync()
    {
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await StartPostgresAsync();
                return true;
            }
            catch (Exception e) when (e is EmbeddedPostgresException or Npgsql.NpgsqlException)
            {
                // Still shutting down the killed one's backends, or still recovering.
                return false;
            }
        }, "the killed cluster starts again");
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        _folder.Dispose();
    }
}
