using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Ids for stored rows (access_log.id and syslog_lines.id, the tiebreaker of keyset paging): blocks of
/// 2^20 consecutive ids. Block numbers come from the sequence <c>ingest_batch_seq</c>, which hands a
/// server <see cref="BlocksPerFetch"/> of them at a time (it increments by that much), so that ids are
/// unique across every server on the database and a request costs no round trip for them.
/// </summary>
internal sealed class RowIdBlocks(NpgsqlDataSource dataSource) : IDisposable
{
    public const int BlockBits = 20;
    public const long BlockSize = 1L << BlockBits;

    /// <summary>The sequence's increment (see the RowIdBlocks migration).</summary>
    public const int BlocksPerFetch = 1000;

    private readonly SemaphoreSlim _fetching = new(1);
    private long _next;
    private long _end;

    public async ValueTask<long> NextAsync(CancellationToken ct)
    {
        await _fetching.WaitAsync(ct);
        try
        {
            if (_next == _end)
            {
                await using var command = dataSource.CreateCommand("SELECT nextval('ingest_batch_seq')");
                _next = (long)(await command.ExecuteScalarAsync(ct))!;
                _end = _next + BlocksPerFetch;
            }
            return _next++;
        }
        finally
        {
            _fetching.Release();
        }
    }

    public void Dispose() => _fetching.Dispose();
}

/// <summary>The ids one batch hands its rows, in the order of its lines, block after block.</summary>
internal sealed class RowIds(RowIdBlocks blocks)
{
    /// <summary>More rows than this between two checkpoints of a body cannot happen (a checkpoint comes with every read of it).</summary>
    private const long Reserve = 1L << 16;

    private long _next;
    private long _end;

    /// <summary>The batch's first block, which names it in rejected_lines.</summary>
    public long FirstBlock { get; private set; } = -1;

    /// <summary>Whether the block in hand is nearly used up (the next checkpoint takes another).</summary>
    public bool RunningLow => _end - _next < Reserve;

    public async ValueTask TopUpAsync(CancellationToken ct)
    {
        if (!RunningLow)
        {
            return;
        }
        var block = await blocks.NextAsync(ct);
        if (FirstBlock < 0)
        {
            FirstBlock = block;
        }
        _next = block << RowIdBlocks.BlockBits;
        _end = _next + RowIdBlocks.BlockSize;
    }

    public long Next() => _next < _end ? _next++ : throw new InvalidOperationException("row ids ran out between two checkpoints");
}
