using System.Data;
using System.Net;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// Client IPs ranked by requests over a range, exactly, without aggregating every address of every
/// hour when the traffic has heavy hitters (an attack always does):
/// <list type="number">
/// <item>Whole hours with a fresh leaderboard (<see cref="HourLeaders"/>) contribute their listed
/// counts; every other hour and the minutes at either end of the range are summed exactly.</item>
/// <item>The addresses leading on those lower bounds get exact totals and details by point lookups.</item>
/// <item>Each leaderboard bounds what an address it leaves off can have sent that hour, so the sum of
/// those bounds caps every total not known exactly. If no such cap reaches the N-th exact total,
/// the ranking is proven. Near-ties get a second round: the few addresses whose caps still reach it
/// are looked up exactly too. Failing that, every address is aggregated (the plain, slower query).</item>
/// </list>
/// </summary>
internal sealed class IpRanking(NpgsqlDataSource dataSource)
{
    // The hours of the range that hold data, with their totals.
    internal const string HourTotalsCte = """
        hour_totals AS (
            SELECT host_id, date_bin('1 hour', minute, timestamptz '1970-01-01 00:00:00+00') AS hour, sum(requests)::bigint AS total
            FROM access_host_minute
            WHERE minute >= @hours_from AND minute < @hours_to AND (@host_id::integer IS NULL OR host_id = @host_id)
            GROUP BY 1, 2
        )
        """;

    private const string LeadersSql = $"""
        WITH {HourTotalsCte}
        SELECT l.client_ips, l.requests, l.floor
        FROM access_hour_leaders l
        JOIN hour_totals t ON t.hour = l.hour AND t.host_id = l.host_id AND t.total = l.total
        """;

    // Hours without a fresh leaderboard, read through their own index range only, plus the minutes at
    // the edges. OFFSET 0 keeps PostgreSQL from flattening the LATERAL into a scan of every hour.
    private const string RestSql = $"""
        WITH {HourTotalsCte},
        stale AS (
            SELECT t.hour, t.host_id FROM hour_totals t
            LEFT JOIN access_hour_leaders l ON l.hour = t.hour AND l.host_id = t.host_id AND l.total = t.total
            WHERE l.hour IS NULL
        )
        SELECT client_ip, sum(requests)::bigint FROM (
            SELECT a.client_ip, a.requests FROM stale s
            CROSS JOIN LATERAL (SELECT client_ip, requests FROM access_hour a WHERE a.hour = s.hour AND a.host_id = s.host_id OFFSET 0) a
            UNION ALL
            SELECT client_ip, requests FROM access_minute
            WHERE ((minute >= @first_minute AND minute < @hours_from) OR (minute >= @hours_to AND minute < @end_minute))
              AND (@host_id::integer IS NULL OR host_id = @host_id)
        ) AS rest
        GROUP BY client_ip
        """;

    // Everything the lists show of @ips, exactly, from point lookups per hour and host.
    private const string DetailsSql = $"""
        WITH {HourTotalsCte}
        SELECT client_ip, sum(requests)::bigint, sum(bytes)::bigint, sum(status4xx)::bigint, sum(status5xx)::bigint,
               min(first_seen), max(last_seen), max(peak)::bigint, count(DISTINCT host_id)::integer
        FROM (
            SELECT a.host_id, a.client_ip, a.requests, a.bytes, a.status4xx, a.status5xx, a.first_seen, a.last_seen, a.peak_minute AS peak
            FROM hour_totals t
            CROSS JOIN LATERAL (SELECT * FROM access_hour a WHERE a.hour = t.hour AND a.host_id = t.host_id AND a.client_ip = ANY(@ips) OFFSET 0) a
            UNION ALL
            SELECT host_id, client_ip, requests, bytes, status4xx, status5xx, first_seen, last_seen, requests
            FROM access_minute
            WHERE client_ip = ANY(@ips) AND ((minute >= @first_minute AND minute < @hours_from) OR (minute >= @hours_to AND minute < @end_minute))
              AND (@host_id::integer IS NULL OR host_id = @host_id)
        ) AS rows
        GROUP BY client_ip
        """;

    // The plain way: every address of the range aggregated, the @limit busiest kept.
    private const string EveryAddressSql = """
        SELECT client_ip, sum(requests)::bigint AS requests, sum(bytes)::bigint, sum(status4xx)::bigint, sum(status5xx)::bigint,
               min(first_seen), max(last_seen), max(peak)::bigint, count(DISTINCT host_id)::integer
        FROM (
            SELECT host_id, client_ip, requests, bytes, status4xx, status5xx, first_seen, last_seen, peak_minute AS peak FROM access_hour
            WHERE hour >= @hours_from AND hour < @hours_to AND (@host_id::integer IS NULL OR host_id = @host_id)
            UNION ALL
            SELECT host_id, client_ip, requests, bytes, status4xx, status5xx, first_seen, last_seen, requests FROM access_minute
            WHERE ((minute >= @first_minute AND minute < @hours_from) OR (minute >= @hours_to AND minute < @end_minute))
              AND (@host_id::integer IS NULL OR host_id = @host_id)
        ) AS rows
        GROUP BY client_ip
        ORDER BY requests DESC, client_ip
        LIMIT @limit
        """;

    // Each of @ips seen at several hosts: its busiest minute summed across them.
    private const string CrossHostPeakSql = """
        SELECT client_ip, max(requests)::bigint FROM (
            SELECT client_ip, minute, sum(requests) AS requests FROM access_minute
            WHERE client_ip = ANY(@ips) AND minute >= @first_minute AND minute < @end_minute
            GROUP BY client_ip, minute
        ) AS per_minute
        GROUP BY client_ip
        """;

    /// <summary>A second round looks up at most this many more addresses; beyond, aggregating everything is cheaper.</summary>
    private const int MaxContenders = 1000;

    public async Task<List<RankedIp>> TopAsync(ReadRange range, int count, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot: a batch committing between the statements must not be counted twice or not at all.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var bounds = await ReadBoundsAsync(connection, range, ct);
        var leading = bounds.Leading(count);
        var ranked = leading.Length == 0 ? [] : await ReadAsync(connection, DetailsSql, range, ip: leading, limit: null, ct);
        ranked.Sort(RankedIp.ByRequests);
        var contenders = bounds.Contenders(ranked, count);
        if (!bounds.Proves(ranked, count, contenders) && contenders.Length is > 0 and <= MaxContenders)
        {
            ranked.AddRange(await ReadAsync(connection, DetailsSql, range, ip: contenders, limit: null, ct));
            ranked.Sort(RankedIp.ByRequests);
        }
        if (!bounds.Proves(ranked, count))
        {
            ranked = await ReadAsync(connection, EveryAddressSql, range, ip: null, limit: count, ct);
        }
        if (range.HostId is null && ranked.Where(r => r.HostCount > 1).Select(r => r.Ip).ToArray() is { Length: > 0 } multiHost)
        {
            var peaks = await CrossHostPeaksAsync(connection, range, multiHost, ct);
            ranked = [.. ranked.Select(r => peaks.TryGetValue(r.Ip, out var peak) ? r with { PeakPerMinute = peak } : r)];
        }
        await transaction.CommitAsync(ct);
        return [.. ranked.Take(count)];
    }

    private static async Task<RankingBounds> ReadBoundsAsync(NpgsqlConnection connection, ReadRange range, CancellationToken ct)
    {
        var bounds = new RankingBounds();
        await using (var leaders = new NpgsqlCommand(LeadersSql, connection))
        {
            range.AddRollupParameters(leaders);
            await using var reader = await leaders.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                bounds.AddLeaderboard(reader.GetFieldValue<IPAddress[]>(0), reader.GetFieldValue<long[]>(1), reader.GetInt64(2));
            }
        }
        await using (var rest = new NpgsqlCommand(RestSql, connection))
        {
            range.AddRollupParameters(rest);
            await using var reader = await rest.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                bounds.AddExact(reader.GetFieldValue<IPAddress>(0), reader.GetInt64(1));
            }
        }
        return bounds;
    }

    private static async Task<List<RankedIp>> ReadAsync(NpgsqlConnection connection, string sql, ReadRange range, IPAddress[]? ip, int? limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        range.AddRollupParameters(command);
        if (ip is not null)
        {
            command.Parameters.AddWithValue("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet, ip);
        }
        else
        {
            command.Parameters.AddWithValue("limit", limit!.Value);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<RankedIp> ranked = [];
        while (await reader.ReadAsync(ct))
        {
            ranked.Add(new RankedIp(
                reader.GetFieldValue<IPAddress>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTime>(5), reader.GetFieldValue<DateTime>(6), reader.GetInt64(7), reader.GetInt32(8)));
        }
        return ranked;
    }

    private static async Task<Dictionary<IPAddress, long>> CrossHostPeaksAsync(NpgsqlConnection connection, ReadRange range, IPAddress[] ips, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CrossHostPeakSql, connection);
        range.AddRollupParameters(command);
        command.Parameters.AddWithValue("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet, ips);
        await using var reader = await command.ExecuteReaderAsync(ct);
        Dictionary<IPAddress, long> peaks = [];
        while (await reader.ReadAsync(ct))
        {
            peaks[reader.GetFieldValue<IPAddress>(0)] = reader.GetInt64(1);
        }
        return peaks;
    }
}

/// <param name="PeakPerMinute">Its busiest minute's requests.</param>
/// <param name="HostCount">How many hosts it sent requests to in the range.</param>
internal sealed record RankedIp(
    IPAddress Ip, long Requests, long Bytes, long Status4xx, long Status5xx, DateTime FirstSeen, DateTime LastSeen, long PeakPerMinute, int HostCount)
{
    /// <summary>Most requests first; equal counts in address order, so that a ranking is stable.</summary>
    public static readonly Comparison<RankedIp> ByRequests = (a, b) =>
        a.Requests != b.Requests ? b.Requests.CompareTo(a.Requests) : IpOrder.Instance.Compare(a.Ip, b.Ip);
}
