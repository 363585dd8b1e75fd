using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Detection;

/// <summary>Whether detection has read everything that landed: the demo prints its link only then, so the link opens on the alerts.</summary>
internal sealed class DetectionProgress(NpgsqlDataSource dataSource, IOptions<DetectionOptions> options)
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    // A pass deletes what it takes from the queue in its own transaction: the rows are gone for others once its alerts are stored.
    private const string PendingSql = "SELECT EXISTS (SELECT 1 FROM detection_queue)";

    /// <summary>Waits until no batch waits for detection (at once when detection is off), or until <paramref name="patience"/> has passed; false then.</summary>
    public async Task<bool> CaughtUpAsync(TimeSpan patience, CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return true;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                await using var command = dataSource.CreateCommand(PendingSql);
                if (!(bool)(await command.ExecuteScalarAsync(timeout.Token))!)
                {
                    return true;
                }
            }
            while (await timer.WaitForNextTickAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        return false;
    }
}
