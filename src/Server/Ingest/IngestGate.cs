using Microsoft.Extensions.Options;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Bounds the database work of ingest: received batches written at once, and large bodies written as
/// they arrive (kept apart, so that slow large uploads never hold the writers small batches need). A
/// batch that finds no writer within the queue timeout is answered 503 + Retry-After.
/// </summary>
internal sealed class IngestGate(IOptions<IngestOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _writers = new(options.Value.MaxConcurrentBatches);
    private readonly SemaphoreSlim _streamWriters = new(options.Value.MaxConcurrentStreamedBatches);

    /// <summary>A writer for a batch received whole, or null when none was free in time.</summary>
    public Task<IDisposable?> EnterAsync(CancellationToken ct) => EnterAsync(_writers, ct);

    /// <summary>A writer for a body written as it arrives, or null when none was free in time.</summary>
    public Task<IDisposable?> EnterStreamingAsync(CancellationToken ct) => EnterAsync(_streamWriters, ct);

    private async Task<IDisposable?> EnterAsync(SemaphoreSlim slots, CancellationToken ct) =>
        await slots.WaitAsync(options.Value.QueueTimeout, ct) ? new Slot(slots) : null;

    public void Dispose()
    {
        _writers.Dispose();
        _streamWriters.Dispose();
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
