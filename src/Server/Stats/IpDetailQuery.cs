using System.Net;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// One IP over a range: totals, timeline and hosts from the rollups (exact); statuses, methods, paths and
/// user agents from its latest raw requests, at most <see cref="MaxBreakdownRequests"/> of them, so that
/// an address that sent millions of requests is still answered in milliseconds.
/// </summary>
internal sealed class IpDetailQuery(NpgsqlDataSource dataSource)
{
    public const int MaxBreakdownRequests = 20_000;
    private const int TopCount = 20;

    // Its minutes, read by address first.
    private const string PerHostSql = """
        SELECT h.name, sum(m.requests)::bigint, sum(m.bytes)::bigint, min(m.first_seen), max(m.last_seen)
        FROM access_minute m
        JOIN hosts h ON h.id = m.host_id
        WHERE m.client_ip = @ip AND m.minute >= @first_minute AND m.minute < @end_minute AND (@host_id::integer IS NULL OR m.host_id = @host_id)
        GROUP BY h.name
        ORDER BY 2 DESC, h.name
        """;

    private const string BreakdownSql = """
        WITH latest AS (
            SELECT status, method, path, user_agent FROM access_log
            WHERE client_ip = @ip AND time >= @from AND time < @to AND (@host_id::integer IS NULL OR host_id = @host_id)
            ORDER BY time DESC
            LIMIT @requests
        )
        SELECT 'status', coalesce(status::text, '-'), count(*) FROM latest GROUP BY status
        UNION ALL
        SELECT 'method', coalesce(method, '-'), count(*) FROM latest GROUP BY method
        UNION ALL
        (SELECT 'path', coalesce(path, '-'), count(*) FROM latest GROUP BY path ORDER BY 3 DESC, 2 LIMIT @top)
        UNION ALL
        (SELECT 'agent', coalesce(user_agent, '-'), count(*) FROM latest GROUP BY user_agent ORDER BY 3 DESC, 2 LIMIT @top)
        """;

    public async Task<IpDetail?> GetAsync(IPAddress ip, ReadRange range, CancellationToken ct)
    {
        List<HostCount> hosts = [];
        long requests = 0, bytes = 0;
        DateTime? firstSeen = null, lastSeen = null;
        await using (var command = dataSource.CreateCommand(PerHostSql))
        {
            range.AddRollupParameters(command);
            command.Parameters.AddWithValue("ip", NpgsqlDbType.Inet, ip);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hosts.Add(new HostCount(reader.GetString(0), reader.GetInt64(1)));
                requests += reader.GetInt64(1);
                bytes += reader.GetInt64(2);
                firstSeen = Min(firstSeen, reader.GetFieldValue<DateTime>(3));
                lastSeen = Max(lastSeen, reader.GetFieldValue<DateTime>(4));
            }
        }
        if (requests == 0)
        {
            return null;
        }

        var timeline = (await TrafficQuery.CountsPerBucketAsync(dataSource, range, [ip], ct))[ip];
        var breakdown = await BreakdownAsync(ip, range, ct);
        return new IpDetail(
            ip.ToString(), requests, bytes, ToOffset(firstSeen), ToOffset(lastSeen), (int)range.Step.TotalSeconds,
            [.. range.Buckets().Select((bucket, i) => new TimelinePoint(new DateTimeOffset(bucket), timeline[i]))],
            breakdown.Statuses, breakdown.Methods,
            [.. breakdown.Paths.Select(p => new PathCount(p.Key, p.Value))],
            [.. breakdown.Agents.Select(a => new UserAgentCount(a.Key, a.Value))],
            hosts,
            breakdown.Statuses.Values.Sum());
    }

    private sealed record Breakdown(
        Dictionary<string, long> Statuses, Dictionary<string, long> Methods, List<KeyValuePair<string, long>> Paths, List<KeyValuePair<string, long>> Agents);

    private async Task<Breakdown> BreakdownAsync(IPAddress ip, ReadRange range, CancellationToken ct)
    {
        var breakdown = new Breakdown([], [], [], []);
        await using var command = dataSource.CreateCommand(BreakdownSql);
        range.AddExactParameters(command);
        command.Parameters.AddWithValue("ip", NpgsqlDbType.Inet, ip);
        command.Parameters.AddWithValue("requests", MaxBreakdownRequests);
        command.Parameters.AddWithValue("top", TopCount);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (kind, value, count) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
            switch (kind)
            {
                case "status":
                    breakdown.Statuses[value] = count;
                    break;
                case "method":
                    breakdown.Methods[value] = count;
                    break;
                case "path":
                    breakdown.Paths.Add(new(value, count));
                    break;
                default:
                    breakdown.Agents.Add(new(value, count));
                    break;
            }
        }
        breakdown.Paths.Sort((a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        breakdown.Agents.Sort((a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return breakdown;
    }

    private static DateTime? Min(DateTime? a, DateTime b) => a is { } x && x < b ? x : b;

    private static DateTime? Max(DateTime? a, DateTime b) => a is { } x && x > b ? x : b;

    private static DateTimeOffset? ToOffset(DateTime? time) => time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
