using Dashboard.Server.Stats;
using Dashboard.Shared;
using Npgsql;

namespace Dashboard.Server.MemoryEvents;

/// <summary>The memory events of a range, oldest first.</summary>
internal sealed class HostEventsQuery(NpgsqlDataSource dataSource)
{
    public const int MaxEvents = 5000;

    private const string EventsSql = """
        SELECT h.name, e.time, e.kind, e.pid, e.process, e.score, e.total_vm_kb, e.anon_rss_kb, e.message
        FROM host_events e
        JOIN hosts h ON h.id = e.host_id
        WHERE e.time >= @from AND e.time < @to AND (@host_id::integer IS NULL OR e.host_id = @host_id)
        ORDER BY e.time, e.id
        LIMIT @max_events
        """;

    public async Task<List<HostEventItem>> GetAsync(ReadRange range, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(EventsSql);
        range.AddExactParameters(command);
        command.Parameters.AddWithValue("max_events", MaxEvents);
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

    private static long? Long(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);
}
