using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest;

/// <summary>How many rejected lines are kept with their text per host and day (the rest are counted by reason).</summary>
internal sealed record RejectedLineLimits(int PerHostPerDay);

/// <summary>
/// Stores a batch's rejected lines: every one counted by host, day, stream and reason in rejected_counts;
/// the lines the batch kept (<see cref="RejectedLines"/>) in rejected_lines, as long as the host's daily
/// allowance lasts.
/// </summary>
internal static class RejectedLineStore
{
    private const string StoredTodaySql = "SELECT coalesce(sum(stored), 0) FROM rejected_counts WHERE host_id = $1 AND day = $2";

    private const string CopySql = "COPY rejected_lines (host_id, batch_no, received_at, stream, line_number, reason, line) FROM STDIN (FORMAT BINARY)";

    private const string CountSql = """
        INSERT INTO rejected_counts AS c (host_id, day, stream, reason, rejected, stored)
        SELECT $1, $2, $3, u.reason, u.rejected, u.stored FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS u(reason, rejected, stored)
        ON CONFLICT (host_id, day, stream, reason) DO UPDATE SET rejected = c.rejected + excluded.rejected, stored = c.stored + excluded.stored
        """;

    public static async Task SaveAsync(NpgsqlConnection connection, IngestBatch batch, RejectedLineLimits limits, CancellationToken ct)
    {
        var rejected = batch.Rejected;
        if (rejected.Count == 0)
        {
            return;
        }
        var day = DateOnly.FromDateTime(batch.Times.ReceivedAtUtc);
        long storedToday;
        await using (var today = new NpgsqlCommand(StoredTodaySql, connection) { Parameters = { new() { Value = batch.Host.Id }, new() { Value = day } } })
        {
            storedToday = Convert.ToInt64(await today.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        var kept = rejected.KeptLines.Take((int)Math.Clamp(limits.PerHostPerDay - storedToday, 0, rejected.KeptLines.Count)).ToList();
        if (kept.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(CopySql, ct);
            foreach (var line in kept)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(batch.Host.Id, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(batch.RowIds.FirstBlock, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(batch.Times.ReceivedAtUtc, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(batch.Endpoint, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(line.Line, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(line.Reason, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(line.Text, NpgsqlDbType.Text, ct);
            }
            await importer.CompleteAsync(ct);
        }
        var storedByReason = kept.GroupBy(l => l.Reason).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        // In one order for every batch, so that two batches of a host never wait for each other's rows in turn.
        var reasons = rejected.CountByReason.Keys.Order(StringComparer.Ordinal).ToArray();
        await using var count = new NpgsqlCommand(CountSql, connection)
        {
            Parameters =
            {
                new() { Value = batch.Host.Id },
                new() { Value = day },
                new() { Value = batch.Endpoint },
                new() { Value = reasons, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = reasons.Select(r => rejected.CountByReason[r]).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                new() { Value = reasons.Select(r => storedByReason.GetValueOrDefault(r)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
            },
        };
        await count.ExecuteNonQueryAsync(ct);
    }
}
