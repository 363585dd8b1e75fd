using Npgsql;

namespace Dashboard.Server.Detection;

/// <summary>
/// One pass of detection: takes what changed from the queue (ingest writes a row per batch), merges it per
/// host, runs every rule over it with a few set-based queries, and stores the alerts — in one transaction,
/// so that a pass that fails leaves the queue for the next.
/// </summary>
internal sealed class DetectionRound(NpgsqlDataSource dataSource, IEnumerable<IDetectionRule> rules, AlertStore alerts)
{
    private readonly Dictionary<string, IDetectionRule> _rules = rules.ToDictionary(r => r.Name);

    /// <summary>Queue rows a pass takes at most: a backlog (a bulk import) is worked through in several passes.</summary>
    private const int MaxQueued = 20_000;

    private const string TakeSql = """
        DELETE FROM detection_queue WHERE id IN (SELECT id FROM detection_queue ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
        RETURNING host_id, from_time, to_time
        """;

    // How far each host's data goes: its alerts have ended only once it runs past them.
    private const string LatestSql = """
        SELECT h.id, greatest(
            (SELECT max(minute) + interval '1 minute' FROM access_host_minute WHERE host_id = h.id),
            (SELECT max(time) FROM memory_samples WHERE host_id = h.id),
            (SELECT max(time) FROM host_events WHERE host_id = h.id))
        FROM hosts h WHERE h.id = ANY(@hosts)
        """;

    /// <summary>Runs a pass; false when there was nothing to do.</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var spans = await TakeAsync(connection, ct);
        if (spans.Count == 0)
        {
            return false;
        }
        var latest = await LatestAsync(connection, spans, ct);
        HashSet<long> described = [];
        foreach (var rule in _rules.Values)
        {
            var found = await rule.FindAsync(connection, spans, ct);
            described.UnionWith(await alerts.ReconcileAsync(connection, rule, spans, found, latest, ct));
        }
        await alerts.RefreshAsync(connection, _rules, spans, described, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private static async Task<List<ChangedSpan>> TakeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(TakeSql, connection);
        command.Parameters.AddWithValue("limit", MaxQueued);
        Dictionary<int, ChangedSpan> spans = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var hostId = reader.GetInt32(0);
            var (from, to) = (reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<DateTime>(2));
            spans[hostId] = spans.TryGetValue(hostId, out var span)
                ? new ChangedSpan(hostId, from < span.From ? from : span.From, to > span.To ? to : span.To)
                : new ChangedSpan(hostId, from, to);
        }
        return [.. spans.Values];
    }

    private static async Task<Dictionary<int, DateTime>> LatestAsync(NpgsqlConnection connection, List<ChangedSpan> spans, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(LatestSql, connection);
        command.Parameters.Add(new NpgsqlParameter("hosts", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer) { Value = spans.Select(s => s.HostId).ToArray() });
        Dictionary<int, DateTime> latest = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1))
            {
                latest[reader.GetInt32(0)] = reader.GetFieldValue<DateTime>(1);
            }
        }
        return latest;
    }
}
