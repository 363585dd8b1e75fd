using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>Memory samples over a range, thinned to one per host and bucket.</summary>
internal sealed class MemoryQuery(NpgsqlDataSource dataSource)
{
    // The lowest MemAvailable of each bucket stands for it: a dip to zero must survive the thinning, a
    // brief recovery may not.
    private const string MemorySql = """
        SELECT DISTINCT ON (m.host_id, bucket) h.name, m.time, m.mem_total_kb, m.mem_available_kb, m.swap_total_kb, m.swap_free_kb,
               date_bin(@step, m.time, timestamptz '1970-01-01 00:00:00+00') AS bucket
        FROM memory_samples m
        JOIN hosts h ON h.id = m.host_id
        WHERE m.time >= @from AND m.time < @to AND (@host_id::integer IS NULL OR m.host_id = @host_id)
        ORDER BY m.host_id, bucket, m.mem_available_kb ASC NULLS LAST, m.time
        """;

    public async Task<List<MemoryPoint>> GetAsync(ReadRange range, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(MemorySql);
        range.AddExactParameters(command);
        command.Parameters.AddWithValue("step", NpgsqlDbType.Interval, range.Step);
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

    private static long? Long(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);
}
