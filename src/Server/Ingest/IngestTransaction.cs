using System.Text.Json;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest;

/// <summary>
/// The transaction that stores a batch: its Idempotency-Key's claim, its rows (COPY), rollups, memory
/// events and samples, its rejected lines and counts, and its answer. Nothing of it is visible to readers
/// (and no 200 is sent) until <see cref="CommitAsync"/> has committed.
/// </summary>
internal sealed class IngestTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private NpgsqlRawCopyStream? _copy;
    private CopyTable? _copyTable;

    private IngestTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<IngestTransaction> BeginAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return new IngestTransaction(connection, await connection.BeginTransactionAsync(ct));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // A concurrent request with the same key blocks on the insert until the first one commits (then
    // this one finds its answer) or rolls back (then this one has the key).
    private const string ClaimKeySql = """
        INSERT INTO ingest_batches (host_id, endpoint, idempotency_key, created_at) VALUES ($1, $2, $3, now())
        ON CONFLICT (host_id, endpoint, idempotency_key) DO NOTHING
        """;

    private const string StoredAnswerSql = "SELECT response, body_hash FROM ingest_batches WHERE host_id = $1 AND endpoint = $2 AND idempotency_key = $3";

    /// <summary>Claims the key for this batch, or finds the answer (and body hash) of the request that committed it.</summary>
    public async Task<KeyClaim> ClaimKeyAsync(IngestBatch batch, string key, CancellationToken ct)
    {
        await using (var claim = Command(ClaimKeySql, batch.Host.Id, batch.Endpoint, key))
        {
            if (await claim.ExecuteNonQueryAsync(ct) == 1)
            {
                return KeyClaim.Claimed;
            }
        }
        await using var stored = Command(StoredAnswerSql, batch.Host.Id, batch.Endpoint, key);
        await using var reader = await stored.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var answer = reader.IsDBNull(0) ? null : JsonSerializer.Deserialize<IngestResult>(reader.GetString(0), JsonSerializerOptions.Web);
        // Claimed and answered in one transaction: a committed claim always has its answer.
        return new KeyClaim(false, answer, reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>Sends the rows encoded so far (all, or only the full chunks while more are being encoded) into the COPY of their table.</summary>
    public async Task WriteRowsAsync(IngestBatch batch, bool all, CancellationToken ct)
    {
        foreach (var rows in batch.Rows)
        {
            if (all ? rows.HeldBytes == 0 : !rows.HasFullChunks)
            {
                continue;
            }
            // One COPY at a time on a connection: another table's ends first.
            if (_copyTable != rows.Table)
            {
                await CompleteCopyAsync(ct);
                _copy = await CopyRows.BeginAsync(_connection, rows.Table, ct);
                _copyTable = rows.Table;
            }
            if (all)
            {
                await rows.WriteAsync(_copy!, ct);
            }
            else
            {
                await rows.WriteFullChunksAsync(_copy!, ct);
            }
        }
    }

    /// <summary>Upserts the rollups counted so far, and starts counting afresh. The COPY ends first, with every row held.</summary>
    public async Task WriteRollupsAsync(IngestBatch batch, CancellationToken ct)
    {
        await WriteRowsAsync(batch, all: true, ct);
        await CompleteCopyAsync(ct);
        await batch.Rollups.UpsertAsync(_connection, batch.Host.Id, ct);
        batch.Rollups.Clear();
    }

    /// <summary>Writes everything the batch holds: it has been read whole.</summary>
    public async Task WriteAsync(IngestBatch batch, CancellationToken ct)
    {
        await WriteRollupsAsync(batch, ct);
        await HostEventStore.SaveAsync(_connection, batch.Host.Id, batch.MemoryEvents.Finish(), ct);
        await MemorySampleStore.InsertAsync(_connection, batch.Host.Id, batch.Samples, ct);
        batch.Samples.Clear();
        await MemorySampleStore.AttachSwapAsync(_connection, batch, ct);
        foreach (var (time, oomKill) in batch.VmstatCounters)
        {
            await VmstatCounter.RecordAsync(_connection, batch.Host.Id, time, oomKill, ct);
        }
        batch.VmstatCounters.Clear();
    }

    private const string SeenSql = "UPDATE hosts SET last_seen_at = now() WHERE id = $1";

    private const string QueueForDetectionSql = "INSERT INTO detection_queue (host_id, from_time, to_time) VALUES ($1, $2, $3)";

    private const string AnswerSql = """
        UPDATE ingest_batches SET response = $4, body_hash = $5 WHERE host_id = $1 AND endpoint = $2 AND idempotency_key = $3
        """;

    /// <summary>Stores the rejected lines and the answer (for a retry with the same key), and commits.</summary>
    /// <param name="queueForDetection">Whether detection runs, and so reads what changed from its queue.</param>
    public async Task<IngestResult> CommitAsync(IngestBatch batch, string? key, byte[]? bodyHash, RejectedLineLimits limits, bool queueForDetection, CancellationToken ct)
    {
        await CompleteCopyAsync(ct);
        await RejectedLineStore.SaveAsync(_connection, batch, limits, ct);
        await using (var seen = Command(SeenSql, batch.Host.Id))
        {
            await seen.ExecuteNonQueryAsync(ct);
        }
        // Detection reads what changed, from the queue: one row a batch, in its transaction.
        if (queueForDetection && batch.DataTimes is { } changed)
        {
            await using var queue = Command(QueueForDetectionSql, batch.Host.Id, changed.Oldest, changed.Newest);
            await queue.ExecuteNonQueryAsync(ct);
        }
        var result = batch.Result();
        if (key is not null)
        {
            await using var answer = Command(AnswerSql, batch.Host.Id, batch.Endpoint, key);
            answer.Parameters.Add(new() { Value = JsonSerializer.Serialize(result, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb });
            answer.Parameters.Add(new() { Value = (object?)bodyHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            await answer.ExecuteNonQueryAsync(ct);
        }
        await _transaction.CommitAsync(ct);
        return result;
    }

    private async Task CompleteCopyAsync(CancellationToken ct)
    {
        if (_copy is not null)
        {
            var copy = _copy;
            _copy = null;
            _copyTable = null;
            await CopyRows.CompleteAsync(copy, ct);
        }
    }

    private NpgsqlCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            // A batch that failed midway: abort the COPY so that the connection goes back to the pool usable.
            try
            {
                await _copy.CancelAsync();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // The connection is broken or the COPY already ended; the transaction rolls back either way.
            }
            await _copy.DisposeAsync();
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>
/// What claiming an Idempotency-Key found: nothing (<see cref="Claimed"/>: the batch is stored under it),
/// or the answer and body hash of the request that committed it.
/// </summary>
internal sealed record KeyClaim(bool IsClaimed, IngestResult? StoredAnswer, byte[]? StoredBodyHash)
{
    public static readonly KeyClaim Claimed = new(true, null, null);
}
