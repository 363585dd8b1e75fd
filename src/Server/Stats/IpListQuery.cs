using System.Net;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>The busiest client IPs of a range, with each one's busiest minute.</summary>
internal sealed class IpListQuery(NpgsqlDataSource dataSource, IpRanking ranking)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    // $1..$6: see ReadRange.AddRollupParameters; $7: the IPs. Minutes summed across hosts first.
    private const string PeakSql = """
        SELECT client_ip, max(requests)::bigint FROM (
            SELECT client_ip, minute, sum(requests) AS requests FROM access_minute
            WHERE client_ip = ANY($7) AND minute >= $2 AND minute < $3 AND ($1::integer IS NULL OR host_id = $1)
            GROUP BY client_ip, minute
        ) AS per_minute
        GROUP BY client_ip
        """;

    public async Task<List<IpSummary>> GetAsync(ReadRange range, int limit, CancellationToken ct)
    {
        var ranked = await ranking.TopAsync(range, limit, ct);
        Dictionary<IPAddress, long> peaks = [];
        if (ranked.Count > 0)
        {
            await using var command = dataSource.CreateCommand(PeakSql);
            range.AddRollupParameters(command);
            command.Parameters.Add(new() { Value = ranked.Select(r => r.Ip).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Inet });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                peaks[reader.GetFieldValue<IPAddress>(0)] = reader.GetInt64(1);
            }
        }
        return [.. ranked.Select(r => new IpSummary(
            r.Ip.ToString(), r.Requests, r.Bytes, r.Status4xx, r.Status5xx, peaks.GetValueOrDefault(r.Ip),
            new DateTimeOffset(r.FirstSeen), new DateTimeOffset(r.LastSeen)))];
    }
}
