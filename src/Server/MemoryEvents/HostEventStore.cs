using Dashboard.Server.Ingest;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.MemoryEvents;

/// <summary>Stores memory events, merging a kill with the one already stored when its lines came in two batches.</summary>
internal static class HostEventStore
{
    // The same kill (host, kind, pid) within HostEvent.SameKillWindow is one event: the later lines
    // complete what the first stored. CentOS 6 may announce a parent ("Kill process 1 (x) score …",
    // stored alone at the end of one batch) and then kill its child ("Killed process 2 …", the next
    // batch): an announced kill without sizes takes the sizes, pid and name of the kill that follows it.
    // Events without a pid merge only with an identical one (a resent batch).
    private const string SaveSql = """
        WITH same AS (
            SELECT id FROM host_events
            WHERE host_id = @host_id AND kind = @kind AND time BETWEEN @time - @same_kill_window AND @time + @same_kill_window
              AND CASE WHEN @pid::integer IS NULL
                       THEN pid IS NULL AND time = @time AND process IS NOT DISTINCT FROM @process
                       ELSE pid = @pid OR (total_vm_kb IS NULL AND score IS NOT NULL AND @total_vm_kb::bigint IS NOT NULL AND @score::integer IS NULL) END
            ORDER BY pid = @pid DESC, time
            LIMIT 1
        ), merged AS (
            UPDATE host_events e SET
                pid = CASE WHEN e.total_vm_kb IS NULL AND @total_vm_kb::bigint IS NOT NULL THEN @pid ELSE e.pid END,
                process = CASE WHEN e.total_vm_kb IS NULL AND @total_vm_kb::bigint IS NOT NULL THEN coalesce(@process, e.process) ELSE coalesce(e.process, @process) END,
                score = coalesce(e.score, @score), total_vm_kb = coalesce(e.total_vm_kb, @total_vm_kb), anon_rss_kb = coalesce(e.anon_rss_kb, @anon_rss_kb),
                message = CASE WHEN position(@message in e.message) > 0 THEN e.message ELSE e.message || E'\n' || @message END
            FROM same WHERE e.id = same.id
            RETURNING e.id
        )
        INSERT INTO host_events (host_id, kind, pid, process, time, score, total_vm_kb, anon_rss_kb, message)
        SELECT @host_id, @kind, @pid, @process, @time, @score, @total_vm_kb, @anon_rss_kb, @message WHERE NOT EXISTS (SELECT 1 FROM merged)
        """;

    public static async Task SaveAsync(NpgsqlConnection connection, int hostId, IReadOnlyList<HostEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            await using var command = new NpgsqlCommand(SaveSql, connection)
            {
                Parameters =
                {
                    new("host_id", NpgsqlDbType.Integer) { Value = hostId },
                    new("kind", NpgsqlDbType.Text) { Value = e.Kind },
                    new("pid", NpgsqlDbType.Integer) { Value = (object?)e.Pid ?? DBNull.Value },
                    new("process", NpgsqlDbType.Text) { Value = (object?)e.Process ?? DBNull.Value },
                    new("time", NpgsqlDbType.TimestampTz) { Value = e.TimeUtc },
                    new("score", NpgsqlDbType.Integer) { Value = (object?)e.Score ?? DBNull.Value },
                    new("total_vm_kb", NpgsqlDbType.Bigint) { Value = (object?)e.TotalVmKb ?? DBNull.Value },
                    new("anon_rss_kb", NpgsqlDbType.Bigint) { Value = (object?)e.AnonRssKb ?? DBNull.Value },
                    new("message", NpgsqlDbType.Text) { Value = SafeText.Clean(e.Message) },
                    new("same_kill_window", NpgsqlDbType.Interval) { Value = HostEvent.SameKillWindow },
                },
            };
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
