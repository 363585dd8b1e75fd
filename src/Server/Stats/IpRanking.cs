using System.Net;
using Npgsql;

namespace Dashboard.Server.Stats;

/// <summary>
/// Client IPs ranked by requests over a range, from the hourly rollup for the whole hours inside it
/// and the per-minute rollup for the minutes at either end: the raw table is never read.
/// </summary>
internal sealed class IpRanking(NpgsqlDataSource dataSource)
{
    // $1..$6: see ReadRange.AddRollupParameters; $7: how many.
    private const string RollupRowsSql = """
        SELECT host_id, client_ip, requests, bytes, status4xx, status5xx, first_seen, last_seen FROM access_hour
        WHERE hour >= $4 AND hour < $5 AND ($1::integer IS NULL OR host_id = $1)
        UNION ALL
        SELECT host_id, client_ip, requests, bytes, status4xx, status5xx, first_seen, last_seen FROM access_minute
        WHERE ((minute >= $2 AND minute < $4) OR (minute >= $5 AND minute < $3)) AND ($1::integer IS NULL OR host_id = $1)
        """;

    private const string TopSql = $"""
        SELECT client_ip, sum(requests)::bigint AS requests, sum(bytes)::bigint, sum(status4xx)::bigint, sum(status5xx)::bigint,
               min(first_seen), max(last_seen)
        FROM ({RollupRowsSql}) AS rollup
        GROUP BY client_ip
        ORDER BY requests DESC, client_ip
        LIMIT $7
        """;

    public async Task<List<RankedIp>> TopAsync(ReadRange range, int count, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(TopSql);
        range.AddRollupParameters(command);
        command.Parameters.Add(new() { Value = count });
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<RankedIp> ranked = [];
        while (await reader.ReadAsync(ct))
        {
            ranked.Add(new RankedIp(
                reader.GetFieldValue<IPAddress>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTime>(5), reader.GetFieldValue<DateTime>(6)));
        }
        return ranked;
    }
}

internal sealed record RankedIp(IPAddress Ip, long Requests, long Bytes, long Status4xx, long Status5xx, DateTime FirstSeen, DateTime LastSeen);
