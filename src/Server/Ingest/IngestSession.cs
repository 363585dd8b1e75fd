using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest;

/// <summary>
/// One ingest request's transaction: the idempotency claim, the rejected lines and the answer.
/// Nothing is visible to readers (and 200 is not sent) until <see cref="CommitAsync"/> has committed.
/// </summary>
internal sealed class IngestSession : IAsyncDisposable
{
    private const int MaxReportedErrors = 20;
    private const int MaxStoredRejectedChars = LineReader.MaxLineBytes;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string? _idempotencyKey;
    private readonly List<(int Line, string Reason, string Text)> _rejected = [];
    private readonly List<IngestError> _reportedErrors = [];

    private IngestSession(NpgsqlConnection connection, NpgsqlTransaction transaction, IngestHost host, string stream, string? idempotencyKey, long batchNo, AcceptedTimes times)
    {
        Times = times;
        _connection = connection;
        _transaction = transaction;
        Host = host;
        Stream = stream;
        _idempotencyKey = idempotencyKey;
        BatchNo = batchNo;
    }

    public IngestHost Host { get; }

    /// <summary>The times this request's lines and samples may carry.</summary>
    public AcceptedTimes Times { get; }
    public string Stream { get; }
    public NpgsqlConnection Connection => _connection;

    /// <summary>Unique per request; row ids are built from it so that keyset paging has a tiebreaker.</summary>
    public long BatchNo { get; }
    public int Accepted { get; private set; }

    /// <summary>The id of the row from line <paramref name="lineNumber"/>: unique across batches, ordered within one.</summary>
    public long RowId(int lineNumber) => (BatchNo << 32) | (uint)lineNumber;
    public int Rejected { get; private set; }

    /// <summary>Characters of rejected lines held in memory until they are stored.</summary>
    public long PendingRejectedChars { get; private set; }

    /// <summary>The rejected lines held in memory are enough to store now (at a batch's next checkpoint).</summary>
    public bool RejectedNeedStoring => PendingRejectedChars >= MaxRejectedCharsInMemory;

    private const long MaxRejectedCharsInMemory = 8 * 1024 * 1024;

    /// <summary>Opens the transaction, or returns the stored answer when this Idempotency-Key was already committed.</summary>
    public static async Task<(IngestSession? Session, IngestResult? Replay)> BeginAsync(
        NpgsqlDataSource dataSource, IngestHost host, string stream, string? idempotencyKey, AcceptedTimes times, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            if (idempotencyKey is not null)
            {
                var replay = await ClaimKeyAsync(connection, host.Id, idempotencyKey, ct);
                if (replay is not null)
                {
                    await transaction.RollbackAsync(ct);
                    await connection.DisposeAsync();
                    return (null, replay);
                }
            }
            await using var next = new NpgsqlCommand("SELECT nextval('ingest_batch_seq')", connection);
            var batchNo = (long)(await next.ExecuteScalarAsync(ct))!;
            return (new IngestSession(connection, transaction, host, stream, idempotencyKey, batchNo, times), null);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // A concurrent request with the same key blocks on the insert until the first one commits
    // (then this one replays its answer) or rolls back (then this one proceeds).
    private const string ClaimKeySql = """
        INSERT INTO ingest_batches (host_id, idempotency_key, created_at) VALUES ($1, $2, now())
        ON CONFLICT (host_id, idempotency_key) DO NOTHING
        """;

    private const string StoredAnswerSql = "SELECT response FROM ingest_batches WHERE host_id = $1 AND idempotency_key = $2";

    private static async Task<IngestResult?> ClaimKeyAsync(NpgsqlConnection connection, int hostId, string key, CancellationToken ct)
    {
        await using var claim = new NpgsqlCommand(ClaimKeySql, connection) { Parameters = { new() { Value = hostId }, new() { Value = key } } };
        if (await claim.ExecuteNonQueryAsync(ct) == 1)
        {
            return null;
        }
        await using var stored = new NpgsqlCommand(StoredAnswerSql, connection) { Parameters = { new() { Value = hostId }, new() { Value = key } } };
        var response = await stored.ExecuteScalarAsync(ct) as string;
        return response is null ? null : JsonSerializer.Deserialize<IngestResult>(response, JsonSerializerOptions.Web);
    }

    /// <summary>The time span of the rows accepted into a day-partitioned table, if any.</summary>
    public (DateTime Oldest, DateTime Newest)? RowTimes { get; private set; }

    public void Accept() => Accepted++;

    public int Ignored { get; private set; }

    /// <summary>Counts a record that is valid but not for this product: neither stored nor rejected.</summary>
    public void Ignore() => Ignored++;

    /// <summary>Counts an accepted row of a day-partitioned table, noting its time.</summary>
    public void Accept(DateTime rowTimeUtc)
    {
        Accepted++;
        RowTimes = RowTimes is { } span
            ? (rowTimeUtc < span.Oldest ? rowTimeUtc : span.Oldest, rowTimeUtc > span.Newest ? rowTimeUtc : span.Newest)
            : (rowTimeUtc, rowTimeUtc);
    }

    /// <summary>The first reason to answer the request 400 once it has stored what it could (<see cref="IngestResult.Refused"/>).</summary>
    public string? Refused { get; private set; }

    public void Refuse(string reason) => Refused ??= reason;

    public void Reject(int line, string reason, ReadOnlySpan<char> text)
    {
        var kept = text.Length > MaxStoredRejectedChars ? text[..MaxStoredRejectedChars] : text;
        _rejected.Add((line, reason, kept.ToString()));
        PendingRejectedChars += kept.Length;
        Rejected++;
        if (_reportedErrors.Count < MaxReportedErrors)
        {
            _reportedErrors.Add(new IngestError(line, reason));
        }
    }

    public async Task<IngestResult> CommitAsync(CancellationToken ct)
    {
        var result = new IngestResult(Accepted, Rejected, _reportedErrors) { Ignored = Ignored, Refused = Refused };
        await StoreRejectedAsync(ct);
        await using (var seen = new NpgsqlCommand("UPDATE hosts SET last_seen_at = now() WHERE id = $1", _connection) { Parameters = { new() { Value = Host.Id } } })
        {
            await seen.ExecuteNonQueryAsync(ct);
        }
        if (_idempotencyKey is not null)
        {
            await using var answer = new NpgsqlCommand("UPDATE ingest_batches SET response = $3 WHERE host_id = $1 AND idempotency_key = $2", _connection)
            {
                Parameters =
                {
                    new() { Value = Host.Id },
                    new() { Value = _idempotencyKey },
                    new() { Value = JsonSerializer.Serialize(result, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb },
                },
            };
            await answer.ExecuteNonQueryAsync(ct);
        }
        await _transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Stores the rejected lines held so far (at a checkpoint, and at commit).</summary>
    public async Task StoreRejectedAsync(CancellationToken ct)
    {
        if (_rejected.Count == 0)
        {
            return;
        }
        await using var importer = await _connection.BeginBinaryImportAsync(
            "COPY rejected_lines (host_id, batch_no, received_at, stream, line_number, reason, line) FROM STDIN (FORMAT BINARY)", ct);
        var now = DateTime.UtcNow;
        foreach (var (line, reason, text) in _rejected)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(Host.Id, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(BatchNo, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(Stream, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(line, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(reason, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(text, NpgsqlDbType.Text, ct);
        }
        await importer.CompleteAsync(ct);
        _rejected.Clear();
        PendingRejectedChars = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
