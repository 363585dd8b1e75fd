using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>Memory samples (thinned to one per host and bucket) and memory events over a range.</summary>
internal sealed class HostRecordsQuery(NpgsqlDataSource dataSource)
{
    public const int MaxEvents = 5000;

    // $1..$3: see ReadRange.AddExactParameters; $4: the step. The lowest MemAvailable of each bucket
    // stands for it: a dip to zero must survive the thinning, a brief recovery may not.
    private const string MemorySql = """
        SELECT DISTINCT ON (m.host_id, bucket) h.name, m.time, m.mem_total_kb, m.mem_available_kb, m.swap_total_kb, m.swap_free_kb,
               date_bin($4, m.time, timestamptz '1970-01-01 00:00:00+00') AS bucket
        FROM memory_samples m
        JOIN hosts h ON h.id = m.host_id
        WHERE m.time >= $2 AND m.time < $3 AND ($1::integer IS NULL OR m.host_id = $1)
        ORDER BY m.host_id, bucket, m.mem_available_kb ASC NULLS LAST, m.time
        """;

    // $1..$3: see ReadRange.AddExactParameters; $4: how many.
    private const string EventsSql = """
        SELECT h.name, e.time, e.kind, e.pid, e.process, e.score, e.total_vm_kb, e.anon_rss_kb, e.message
        FROM host_events e
        JOIN hosts h ON h.id = e.host_id
        WHERE e.time >= $2 AND e.time < $3 AND ($1::integer IS NULL OR e.host_id = $1)
        ORDER BY e.time, e.id
        LIMIT $4
        """;

    public async Task<List<MemoryPoint>> MemoryAsync(ReadRange range, CancellationToken ct)
    {
        await using var command = RangeCommand(MemorySql, range);
        command.Parameters.Add(new() { Value = range.Step, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<MemoryPoint> points = [];
        while (await reader.ReadAsync(ct))
        {
            points.Add(new MemoryPoint(reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)),
                Long(reader, 2), Long(reader, 3), Long(reader, 4), Long(reader, 5)));
        }
        points.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Host, b.Host));
        return points;
    }

    public async Task<List<HostEventItem>> EventsAsync(ReadRange range, CancellationToken ct)
    {
        await using var command = RangeCommand(EventsSql, range);
        command.Parameters.Add(new() { Value = MaxEvents });
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<HostEventItem> events = [];
        while (await reader.ReadAsync(ct))
        {
            events.Add(new HostEventItem(reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), Long(reader, 6), Long(reader, 7), reader.GetString(8)));
        }
        return events;
    }

    private NpgsqlCommand RangeCommand(string sql, ReadRange range)
    {
        var command = dataSource.CreateCommand(sql);
        range.AddExactParameters(command);
        return command;
    }

    private static long? Long(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);
}
