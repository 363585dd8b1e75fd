using System.Net;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>Requests per bucket: the range's top IPs each on its own, everyone else as "other", and the total.</summary>
internal sealed class TrafficQuery(NpgsqlDataSource dataSource, IpRanking ranking)
{
    public const int DefaultTop = 5;
    public const int MaxTop = 50;

    private const string TotalSql = """
        SELECT date_bin(@step, minute, timestamptz '1970-01-01 00:00:00+00') AS bucket, sum(requests)::bigint
        FROM access_host_minute
        WHERE minute >= @first_minute AND minute < @end_minute AND (@host_id::integer IS NULL OR host_id = @host_id)
        GROUP BY bucket
        """;

    public const string PerIpSql = """
        SELECT client_ip, date_bin(@step, minute, timestamptz '1970-01-01 00:00:00+00') AS bucket, sum(requests)::bigint
        FROM access_minute
        WHERE client_ip = ANY(@ips) AND minute >= @first_minute AND minute < @end_minute AND (@host_id::integer IS NULL OR host_id = @host_id)
        GROUP BY client_ip, bucket
        """;

    public async Task<TrafficResponse> GetAsync(ReadRange range, int top, CancellationToken ct)
    {
        var buckets = range.Buckets();
        // The total needs no ranking: it runs beside it, on its own connection.
        var totalTask = TotalsAsync(range, buckets.Length, ct);
        var topIps = (await ranking.TopAsync(range, top, ct)).Select(r => r.Ip).ToArray();
        var perIp = await CountsPerBucketAsync(dataSource, range, topIps, ct);
        var total = await totalTask;
        var other = (long[])total.Clone();
        foreach (var counts in perIp.Values)
        {
            for (var i = 0; i < other.Length; i++)
            {
                other[i] -= counts[i];
            }
        }
        return new TrafficResponse(
            (int)range.Step.TotalSeconds,
            [.. buckets.Select(b => new DateTimeOffset(b))],
            total,
            [.. topIps.Select(ip => new TrafficSeries(ip.ToString(), perIp[ip]))],
            other);
    }

    private async Task<long[]> TotalsAsync(ReadRange range, int bucketCount, CancellationToken ct)
    {
        var total = new long[bucketCount];
        await using var command = dataSource.CreateCommand(TotalSql);
        range.AddRollupParameters(command);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            total[range.BucketIndex(reader.GetFieldValue<DateTime>(0))] += reader.GetInt64(1);
        }
        return total;
    }

    /// <summary>Each IP's requests in every bucket of the range (zero where it sent none).</summary>
    public static async Task<Dictionary<IPAddress, long[]>> CountsPerBucketAsync(NpgsqlDataSource dataSource, ReadRange range, IPAddress[] ips, CancellationToken ct)
    {
        var bucketCount = range.Buckets().Length;
        var perIp = ips.ToDictionary(ip => ip, _ => new long[bucketCount]);
        if (ips.Length == 0)
        {
            return perIp;
        }
        await using var command = dataSource.CreateCommand(PerIpSql);
        range.AddRollupParameters(command);
        command.Parameters.AddWithValue("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet, ips);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            perIp[reader.GetFieldValue<IPAddress>(0)][range.BucketIndex(reader.GetFieldValue<DateTime>(1))] += reader.GetInt64(2);
        }
        return perIp;
    }
}
