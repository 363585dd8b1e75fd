using Dashboard.Server.Ingest;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>Applies migrations before the server listens, then keeps partitions and retention in order.</summary>
internal sealed class DatabaseMaintenance(
    IServiceProvider services, Partitions partitions, NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, IOptions<IngestOptions> ingest,
    TimeProvider clock, ILogger<DatabaseMaintenance> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim _wake = new(0);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.MigrateAsync(cancellationToken);
        await MaintainAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// A batch has committed rows from <paramref name="oldest"/> to <paramref name="newest"/>: rows for a
    /// day outside the partitions kept ahead (an old log imported, a clock far off) sit in the default
    /// partition, so a round runs soon to give them one of their own.
    /// </summary>
    public void NoteRowsWritten(DateTime oldest, DateTime newest)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var outside = DateOnly.FromDateTime(oldest) < today.AddDays(-1) || DateOnly.FromDateTime(newest) > today.AddDays(options.Value.DaysAhead);
        // One pending round serves any number of such batches.
        if (outside && _wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    // Keys are kept for retries, not for ever: a hostile shipper cannot grow the table without bound.
    private const string ExpireKeysSql = "DELETE FROM ingest_batches WHERE created_at < now() - make_interval(days => $1)";

    private async Task MaintainAsync(CancellationToken ct)
    {
        await partitions.MaintainAsync(ct);
        await using var expire = dataSource.CreateCommand(ExpireKeysSql);
        expire.Parameters.Add(new() { Value = ingest.Value.IdempotencyKeyDays });
        await expire.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Interval, stoppingToken);
                await MaintainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Partition maintenance failed; it runs again in {Interval}", Interval);
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
