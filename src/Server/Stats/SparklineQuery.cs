using System.Net;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// A few IPs' requests in about <see cref="Slices"/> equal slices of a range, for the sparklines of a
/// table: from the hourly rollup by point lookups when the range is long, from each address's own
/// minutes when it is short — never a scan of everyone's rows.
/// </summary>
internal sealed class SparklineQuery(NpgsqlDataSource dataSource)
{
    public const int Slices = 30;
    private static readonly TimeSpan HourlyFrom = TimeSpan.FromHours(12);

    private const string MinutesSql = """
        SELECT client_ip, minute, sum(requests)::bigint FROM access_minute
        WHERE client_ip = ANY(@ips) AND minute >= @first_minute AND minute < @end_minute AND (@host_id::integer IS NULL OR host_id = @host_id)
        GROUP BY 1, 2
        """;

    private const string HoursSql = $"""
        WITH {IpRanking.HourTotalsCte}
        SELECT a.client_ip, a.hour, sum(a.requests)::bigint FROM hour_totals h
        CROSS JOIN LATERAL (SELECT client_ip, hour, requests FROM access_hour a
                            WHERE a.hour = h.hour AND a.host_id = h.host_id AND a.client_ip = ANY(@ips) OFFSET 0) a
        GROUP BY 1, 2
        UNION ALL
        SELECT client_ip, minute, sum(requests)::bigint FROM access_minute
        WHERE client_ip = ANY(@ips) AND ((minute >= @first_minute AND minute < @hours_from) OR (minute >= @hours_to AND minute < @end_minute))
          AND (@host_id::integer IS NULL OR host_id = @host_id)
        GROUP BY 1, 2
        """;

    public async Task<Dictionary<IPAddress, long[]>> GetAsync(ReadRange range, IPAddress[] ips, CancellationToken ct)
    {
        var lines = ips.ToDictionary(ip => ip, _ => new long[Slices]);
        if (ips.Length == 0)
        {
            return lines;
        }
        var start = range.FirstMinute;
        var sliceTicks = Math.Max(1, (range.EndMinute - start).Ticks / Slices);
        await using var command = dataSource.CreateCommand(range.To - range.From >= HourlyFrom ? HoursSql : MinutesSql);
        range.AddRollupParameters(command);
        command.Parameters.AddWithValue("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet, ips);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var slice = (int)Math.Clamp((reader.GetFieldValue<DateTime>(1) - start).Ticks / sliceTicks, 0, Slices - 1);
            lines[reader.GetFieldValue<IPAddress>(0)][slice] += reader.GetInt64(2);
        }
        return lines;
    }
}
