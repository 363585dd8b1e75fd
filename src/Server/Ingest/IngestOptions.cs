using Microsoft.Extensions.Options;

namespace Dashboard.Server.Ingest;

/// <summary>Limits of the ingest endpoints (configuration section <c>Dashboard:Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>
    /// Largest request body as sent (compressed or not); past it: 413. Bodies are streamed in bounded
    /// memory, so a whole access log can be imported with one curl.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Largest body after decompression; past it: 413.</summary>
    public long MaxDecodedBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Batches written at once; more wait up to <see cref="QueueTimeout"/>, then get 503.</summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>How long a batch waits for a writer before the server answers 503 (saturated).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class ValidateIngestOptions : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        List<string> errors = [];
        if (options.MaxBodyBytes <= 0)
        {
            errors.Add("Dashboard:Ingest:MaxBodyBytes must be positive.");
        }
        if (options.MaxDecodedBytes < options.MaxBodyBytes)
        {
            errors.Add("Dashboard:Ingest:MaxDecodedBytes must be at least MaxBodyBytes.");
        }
        if (options.MaxConcurrentBatches is < 1 or > 256)
        {
            errors.Add("Dashboard:Ingest:MaxConcurrentBatches must be between 1 and 256.");
        }
        if (options.QueueTimeout < TimeSpan.Zero)
        {
            errors.Add("Dashboard:Ingest:QueueTimeout must not be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Bounds the batches written at once, so a burst of shippers gets 503 + Retry-After rather than a stalled server.</summary>
internal sealed class IngestGate(IOptions<IngestOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentBatches);

    public int FreeSlots => _slots.CurrentCount;

    public async Task<IDisposable?> EnterAsync(CancellationToken ct) =>
        await _slots.WaitAsync(options.Value.QueueTimeout, ct) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

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
