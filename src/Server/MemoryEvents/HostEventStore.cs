using Dashboard.Server.Ingest;
using Npgsql;

namespace Dashboard.Server.MemoryEvents;

/// <summary>Stores memory events, merging a kill with the one already stored when its lines came in two batches.</summary>
internal static class HostEventStore
{
    // The same kill (host, kind, pid) within HostEvent.SameKillWindow ($10) is one event: the later
    // lines complete what the first stored. CentOS 6 may announce a parent ("Kill process 1 (x) score …",
    // stored alone at the end of one batch) and then kill its child ("Killed process 2 …", the next
    // batch): an announced kill without sizes takes the sizes, pid and name of the kill that follows it.
    // Events without a pid merge only with an identical one (a resent batch).
    private const string SaveSql = """
        WITH same AS (
            SELECT id FROM host_events
            WHERE host_id = $1 AND kind = $2 AND time BETWEEN $5 - $10 AND $5 + $10
              AND CASE WHEN $3::integer IS NULL
                       THEN pid IS NULL AND time = $5 AND process IS NOT DISTINCT FROM $4
                       ELSE pid = $3 OR (total_vm_kb IS NULL AND score IS NOT NULL AND $7::bigint IS NOT NULL AND $6::integer IS NULL) END
            ORDER BY pid = $3 DESC, time
            LIMIT 1
        ), merged AS (
            UPDATE host_events e SET
                pid = CASE WHEN e.total_vm_kb IS NULL AND $7::bigint IS NOT NULL THEN $3 ELSE e.pid END,
                process = CASE WHEN e.total_vm_kb IS NULL AND $7::bigint IS NOT NULL THEN coalesce($4, e.process) ELSE coalesce(e.process, $4) END,
                score = coalesce(e.score, $6), total_vm_kb = coalesce(e.total_vm_kb, $7), anon_rss_kb = coalesce(e.anon_rss_kb, $8),
                message = CASE WHEN position($9 in e.message) > 0 THEN e.message ELSE e.message || E'\n' || $9 END
            FROM same WHERE e.id = same.id
            RETURNING e.id
        )
        INSERT INTO host_events (host_id, kind, pid, process, time, score, total_vm_kb, anon_rss_kb, message)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT EXISTS (SELECT 1 FROM merged)
        """;

    public static async Task SaveAsync(NpgsqlConnection connection, int hostId, IReadOnlyList<HostEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            await using var command = new NpgsqlCommand(SaveSql, connection)
            {
                Parameters =
                {
                    new() { Value = hostId },
                    new() { Value = e.Kind },
                    new() { Value = (object?)e.Pid ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = (object?)e.Process ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                    new() { Value = e.TimeUtc, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                    new() { Value = (object?)e.Score ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = (object?)e.TotalVmKb ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
                    new() { Value = (object?)e.AnonRssKb ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
                    new() { Value = SafeText.Clean(e.Message), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                    new() { Value = HostEvent.SameKillWindow, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval },
                },
            };
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
