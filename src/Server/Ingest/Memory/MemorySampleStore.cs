using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest.Memory;

/// <summary>Stores a batch's memory samples, and joins collectd swap readings to samples stored by earlier requests.</summary>
internal static class MemorySampleStore
{
    // A resent sample (same host and time) is the same sample.
    private const string InsertSql = """
        INSERT INTO memory_samples (host_id, time, mem_total_kb, mem_available_kb, mem_free_kb, cached_kb, swap_total_kb, swap_free_kb)
        SELECT $1, u.* FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) AS u
        ON CONFLICT (host_id, time) DO NOTHING
        """;

    public static async Task InsertAsync(NpgsqlConnection connection, int hostId, IReadOnlyList<MemorySample> samples, CancellationToken ct)
    {
        if (samples.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand(InsertSql, connection);
        command.Parameters.Add(new() { Value = hostId });
        command.Parameters.Add(new() { Value = samples.Select(s => s.TimeUtc).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        AddColumn(command, samples, s => s.MemTotalKb);
        AddColumn(command, samples, s => s.MemAvailableKb);
        AddColumn(command, samples, s => s.MemFreeKb);
        AddColumn(command, samples, s => s.CachedKb);
        AddColumn(command, samples, s => s.SwapTotalKb);
        AddColumn(command, samples, s => s.SwapFreeKb);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddColumn(NpgsqlCommand command, IReadOnlyList<MemorySample> samples, Func<MemorySample, long?> column) =>
        command.Parameters.Add(new() { Value = samples.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });

    // The stored sample of the host nearest in time within the reading's interval that has no swap figures yet.
    private const string AttachSwapSql = """
        UPDATE memory_samples m SET swap_total_kb = $3, swap_free_kb = $4
        FROM (SELECT time FROM memory_samples
              WHERE host_id = $1 AND swap_total_kb IS NULL AND time BETWEEN $2 - $5 AND $2 + $5
              ORDER BY abs(extract(epoch FROM time - $2)) LIMIT 1) nearest
        WHERE m.host_id = $1 AND m.time = nearest.time
        """;

    /// <summary>Joins the readings to stored samples: their records are accepted, or rejected when no sample is near.</summary>
    public static async Task AttachSwapAsync(NpgsqlConnection connection, IngestBatch batch, CancellationToken ct)
    {
        foreach (var swap in batch.UnmatchedSwap)
        {
            await using var command = new NpgsqlCommand(AttachSwapSql, connection)
            {
                Parameters =
                {
                    new() { Value = batch.Host.Id },
                    new() { Value = swap.TimeUtc, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new() { Value = (object?)swap.SwapTotalKb ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                    new() { Value = (object?)swap.SwapFreeKb ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                    new() { Value = swap.Window, NpgsqlDbType = NpgsqlDbType.Interval },
                },
            };
            var joined = await command.ExecuteNonQueryAsync(ct) == 1;
            if (joined)
            {
                batch.NoteDataTime(swap.TimeUtc);
            }
            foreach (var (number, raw) in swap.Records)
            {
                if (joined)
                {
                    batch.Accept();
                }
                else
                {
                    batch.Reject(number, "swap values with no memory reading of the same host within one interval", raw);
                }
            }
        }
        batch.UnmatchedSwap.Clear();
    }
}
