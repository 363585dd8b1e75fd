using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Gets one batch into the database. The body is read into memory first, holding no database connection
/// (a client sending slowly keeps nobody else waiting), and written in one short transaction once it has
/// arrived whole and a writer is free. A body larger than <see cref="IngestOptions.MaxBufferedBytes"/>, or
/// one the server's memory budget cannot hold, is written as it arrives instead: by one of a few streaming
/// writers, in a transaction kept open until the body ends.
/// </summary>
internal sealed class BatchStore(
    IngestBatch batch, IngestRequest request, NpgsqlDataSource dataSource, IngestGate gate, IngestMemory memory, IngestOptions options, bool queueForDetection)
    : IBatchCheckpoint, IAsyncDisposable
{
    /// <summary>Rollup entries (distinct minute and address) held before a streamed batch upserts them: ~20 MB.</summary>
    private const int MaxRollupsInMemory = 100_000;

    private IngestTransaction? _streaming;
    private IDisposable? _streamingSlot;
    private long _memoryTaken;

    public bool NeedsCheckpoint => batch.RowIds.RunningLow || (_streaming is null
        ? batch.HeldBytes > _memoryTaken
        : batch.Rows.Any(r => r.HasFullChunks) || batch.Rollups.Count >= MaxRollupsInMemory);

    public async Task CheckpointAsync(CancellationToken ct)
    {
        await batch.RowIds.TopUpAsync(ct);
        if (_streaming is null)
        {
            if (batch.HeldBytes <= _memoryTaken || TryTakeMemory())
            {
                return;
            }
            await StartStreamingAsync(ct);
        }
        await _streaming!.WriteRowsAsync(batch, all: false, ct);
        if (batch.Rollups.Count >= MaxRollupsInMemory)
        {
            await _streaming.WriteRollupsAsync(batch, ct);
        }
    }

    private bool TryTakeMemory()
    {
        var wanted = (batch.HeldBytes + IngestMemory.Step - 1) / IngestMemory.Step * IngestMemory.Step;
        if (wanted > options.MaxBufferedBytes || !memory.TryTake(wanted - _memoryTaken))
        {
            return false;
        }
        _memoryTaken = wanted;
        return true;
    }

    private async Task StartStreamingAsync(CancellationToken ct)
    {
        _streamingSlot = await gate.EnterStreamingAsync(ct) ?? throw new ServerBusyException("the server is busy writing other large bodies");
        // A streaming writer is scarce: a client that stalls loses it (Kestrel ends the request).
        if (request.Context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate && options.MinStreamedBytesPerSecond > 0)
        {
            rate.MinDataRate = new MinDataRate(options.MinStreamedBytesPerSecond, TimeSpan.FromSeconds(10));
        }
        _streaming = await IngestTransaction.BeginAsync(dataSource, ct);
        if (request.IdempotencyKey is { } key && await _streaming.ClaimKeyAsync(batch, key, ct) is { IsClaimed: false } claim)
        {
            throw new KeyTakenException(claim);
        }
        memory.Give(_memoryTaken);
        _memoryTaken = 0;
    }

    /// <summary>Writes what is left once the body has been read whole, and commits.</summary>
    /// <param name="bodyHash">The body's hash when it carries an Idempotency-Key: a retry must send the same body.</param>
    public async Task<IngestOutcome> CommitAsync(byte[]? bodyHash, CancellationToken ct)
    {
        var limits = new RejectedLineLimits(options.RejectedLinesPerHostPerDay);
        if (_streaming is not null)
        {
            await _streaming.WriteAsync(batch, ct);
            return new IngestOutcome.Stored(await _streaming.CommitAsync(batch, request.IdempotencyKey, bodyHash, limits, queueForDetection, ct));
        }
        using var slot = await gate.EnterAsync(ct) ?? throw new ServerBusyException("the server is busy writing other batches");
        await using var transaction = await IngestTransaction.BeginAsync(dataSource, ct);
        if (request.IdempotencyKey is { } key && await transaction.ClaimKeyAsync(batch, key, ct) is { IsClaimed: false } claim)
        {
            return IngestOutcome.ForTakenKey(claim, bodyHash);
        }
        await transaction.WriteAsync(batch, ct);
        return new IngestOutcome.Stored(await transaction.CommitAsync(batch, request.IdempotencyKey, bodyHash, limits, queueForDetection, ct));
    }

    public async ValueTask DisposeAsync()
    {
        if (_streaming is not null)
        {
            await _streaming.DisposeAsync();
        }
        _streamingSlot?.Dispose();
        memory.Give(_memoryTaken);
        _memoryTaken = 0;
    }
}

/// <summary>No writer was free in time: the client should retry (503 + Retry-After).</summary>
internal sealed class ServerBusyException(string reason) : Exception(reason);

/// <summary>A streamed body's Idempotency-Key was committed before: the rest of the body decides between replay and 422.</summary>
internal sealed class KeyTakenException(KeyClaim claim) : Exception("the Idempotency-Key was used before")
{
    public KeyClaim Claim { get; } = claim;
}
