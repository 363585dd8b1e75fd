using System.Globalization;
using System.Net;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// One IP's raw requests, newest first, a page at a time. The cursor is the last row's (time, id): a
/// page is one index range scan however deep the operator pages, and rows arriving meanwhile never
/// shift a page.
/// </summary>
internal sealed class IpRequestsQuery(NpgsqlDataSource dataSource)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    // One row more than the page: whether it comes says whether there is a next page.
    private const string PageSql = """
        SELECT a.time, h.name, a.method, a.path, a.protocol, a.status, a.bytes, a.referer, a.user_agent, a.id
        FROM access_log a
        JOIN hosts h ON h.id = a.host_id
        WHERE a.client_ip = @ip AND a.time >= @from AND a.time < @to AND (@host_id::integer IS NULL OR a.host_id = @host_id)
          AND (@before_time::timestamptz IS NULL OR (a.time, a.id) < (@before_time, @before_id))
        ORDER BY a.time DESC, a.id DESC
        LIMIT @page_size + 1
        """;

    public async Task<RequestPage> GetAsync(IPAddress ip, ReadRange range, RequestCursor? before, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(PageSql);
        range.AddExactParameters(command);
        command.Parameters.AddWithValue("ip", NpgsqlDbType.Inet, ip);
        command.Parameters.AddWithValue("before_time", NpgsqlDbType.TimestampTz, (object?)before?.Time ?? DBNull.Value);
        command.Parameters.AddWithValue("before_id", NpgsqlDbType.Bigint, (object?)before?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("page_size", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<RequestItem> items = [];
        RequestCursor? last = null;
        while (await reader.ReadAsync(ct))
        {
            if (items.Count == limit)
            {
                return new RequestPage(items, last!.ToString());
            }
            var time = reader.GetFieldValue<DateTime>(0);
            items.Add(new RequestItem(
                new DateTimeOffset(time), reader.GetString(1),
                Text(reader, 2), Text(reader, 3), Text(reader, 4),
                reader.IsDBNull(5) ? null : reader.GetInt16(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                Text(reader, 7), Text(reader, 8)));
            last = new RequestCursor(time, reader.GetInt64(9));
        }
        return new RequestPage(items, null);
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}

/// <summary>Where a page of requests ends: its last row's time and id, as "microseconds since the epoch.id".</summary>
internal sealed record RequestCursor(DateTime Time, long Id)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Time - DateTime.UnixEpoch).Ticks / 10}.{Id}");

    public static bool TryParse(string text, out RequestCursor? cursor)
    {
        cursor = null;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0
            && long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            && long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && micros < (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / 10)
        {
            cursor = new RequestCursor(DateTime.UnixEpoch.AddTicks(micros * 10), id);
            return true;
        }
        return false;
    }
}
