using Microsoft.Extensions.Options;

namespace Dashboard.Server.Ingest;

/// <summary>Limits of the ingest endpoints (configuration section <c>Dashboard:Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>
    /// Largest request body as sent (compressed or not); past it: 413. Bodies past <see cref="MaxBufferedBytes"/>
    /// are streamed, so a whole access log can be imported with one curl.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Largest body after decompression; past it: 413.</summary>
    public long MaxDecodedBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// What one request may hold in memory (its parsed rows) before it is written as it arrives rather
    /// than once it has arrived whole.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>What all requests being received may hold in memory together; past it, a request is written as it arrives.</summary>
    public long MaxBufferedBytesTotal { get; set; } = 256 * 1024 * 1024;

    /// <summary>Received batches written at once (each a transaction of a few milliseconds); more wait up to <see cref="QueueTimeout"/>, then get 503.</summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>Large bodies written as they arrive, at once (each holds a transaction open until its body ends).</summary>
    public int MaxConcurrentStreamedBatches { get; set; } = 2;

    /// <summary>How long a batch waits for a writer before the server answers 503 (saturated).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The slowest a body written as it arrives may come (after a grace of 10 s), so that a stalled client
    /// cannot keep a streaming writer: it is cut off and the request fails. Bodies received whole first have Kestrel's own minimum.
    /// </summary>
    public int MinStreamedBytesPerSecond { get; set; } = 16 * 1024;

    /// <summary>Rejected lines kept with their text per host and day (all are counted by reason).</summary>
    public int RejectedLinesPerHostPerDay { get; set; } = 10_000;

    /// <summary>Days an Idempotency-Key is remembered: a retry within them is answered as the first request was.</summary>
    public int IdempotencyKeyDays { get; set; } = 7;
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
        if (options.MaxBufferedBytes < 64 * 1024)
        {
            errors.Add("Dashboard:Ingest:MaxBufferedBytes must be at least 65536.");
        }
        if (options.MaxBufferedBytesTotal < options.MaxBufferedBytes)
        {
            errors.Add("Dashboard:Ingest:MaxBufferedBytesTotal must be at least MaxBufferedBytes.");
        }
        if (options.MaxConcurrentBatches is < 1 or > 256)
        {
            errors.Add("Dashboard:Ingest:MaxConcurrentBatches must be between 1 and 256.");
        }
        if (options.MaxConcurrentStreamedBatches is < 1 or > 64)
        {
            errors.Add("Dashboard:Ingest:MaxConcurrentStreamedBatches must be between 1 and 64.");
        }
        if (options.QueueTimeout < TimeSpan.Zero)
        {
            errors.Add("Dashboard:Ingest:QueueTimeout must not be negative.");
        }
        if (options.MinStreamedBytesPerSecond < 0)
        {
            errors.Add("Dashboard:Ingest:MinStreamedBytesPerSecond must not be negative.");
        }
        if (options.RejectedLinesPerHostPerDay < 0)
        {
            errors.Add("Dashboard:Ingest:RejectedLinesPerHostPerDay must not be negative.");
        }
        if (options.IdempotencyKeyDays < 1)
        {
            errors.Add("Dashboard:Ingest:IdempotencyKeyDays must be at least 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
