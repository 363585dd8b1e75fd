using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Detection;

/// <summary>
/// Runs detection (and the notifications it leads to) on one server at a time: the one holding a
/// PostgreSQL advisory lock, on a connection kept open for it. The others wait to take over should that
/// server stop or lose its database.
/// </summary>
internal sealed class DetectionService(
    NpgsqlDataSource dataSource, DetectionRound round, Notifications.Notifier notifier, DetectionSignal signal,
    IOptions<DetectionOptions> options, ILogger<DetectionService> logger) : BackgroundService
{
    private static readonly TimeSpan Standby = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(1);

    private const string LockSql = "SELECT pg_try_advisory_lock(hashtext('dashboard:detection'))";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lockConnection = await dataSource.OpenConnectionAsync(stoppingToken);
                await using (var take = new NpgsqlCommand(LockSql, lockConnection))
                {
                    if (!(bool)(await take.ExecuteScalarAsync(stoppingToken))!)
                    {
                        await Task.Delay(Standby, stoppingToken);
                        continue;
                    }
                }
                logger.LogInformation("This server runs detection and notifications");
                await LeadAsync(lockConnection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Data.DatabaseFailures.IsDatabaseFailure(e))
            {
                logger.LogWarning(e, "Detection lost its database; it starts again in {Delay}", Standby);
                await Task.Delay(Standby, stoppingToken);
            }
        }
    }

    private async Task LeadAsync(NpgsqlConnection lockConnection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await signal.WaitAsync(Pass, stoppingToken);
            // The lock lives as long as its connection: if it broke, another server may lead by now.
            await using (var alive = new NpgsqlCommand("SELECT 1", lockConnection))
            {
                await alive.ExecuteScalarAsync(stoppingToken);
            }
            // A backlog (a bulk import) is worked through a pass at a time, with notifications in between.
            for (var pass = 0; pass < 10 && await round.RunAsync(stoppingToken); pass++)
            {
            }
            await notifier.RunAsync(stoppingToken);
        }
    }
}
