using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// Keeps a leaderboard for every closed hour at every host: its <see cref="Size"/> busiest addresses
/// and the most requests any address left off sent. A leaderboard stays valid while its hour's total
/// is the one it was made from; a batch arriving late for the hour makes it stale until the next round.
/// </summary>
internal sealed class HourLeaders(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<HourLeaders> logger)
{
    public const int Size = 500;

    /// <summary>Hours older than this are not looked at: rankings over them read the hourly rows.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(8);

    // Newest first: the hours operators look at.
    private const string StaleSql = """
        SELECT t.host_id, t.hour FROM (
            SELECT host_id, date_bin('1 hour', minute, timestamptz '1970-01-01 00:00:00+00') AS hour, sum(requests)::bigint AS total
            FROM access_host_minute
            WHERE minute >= @horizon AND minute < @current_hour
            GROUP BY 1, 2
        ) t
        LEFT JOIN access_hour_leaders l ON l.hour = t.hour AND l.host_id = t.host_id
        WHERE l.total IS DISTINCT FROM t.total
        ORDER BY t.hour DESC, t.host_id
        """;

    // The total is read in the same statement, so in the same snapshot as the list: a leaderboard can
    // be stale, never wrong.
    private const string MakeSql = """
        INSERT INTO access_hour_leaders AS l (hour, host_id, client_ips, requests, floor, total)
        SELECT @hour, @host_id,
               coalesce(array_agg(client_ip ORDER BY requests DESC, client_ip) FILTER (WHERE rank <= @size), '{}'),
               coalesce(array_agg(requests ORDER BY requests DESC, client_ip) FILTER (WHERE rank <= @size), '{}'),
               coalesce(max(requests) FILTER (WHERE rank > @size), 0),
               (SELECT coalesce(sum(requests), 0) FROM access_host_minute
                WHERE host_id = @host_id AND minute >= @hour AND minute < @hour + interval '1 hour')
        FROM (
            SELECT client_ip, requests, row_number() OVER (ORDER BY requests DESC, client_ip) AS rank
            FROM access_hour WHERE hour = @hour AND host_id = @host_id
        ) AS ranked
        ON CONFLICT (hour, host_id) DO UPDATE SET
            client_ips = excluded.client_ips, requests = excluded.requests, floor = excluded.floor, total = excluded.total
        """;

    /// <summary>Makes every missing or stale leaderboard; returns how many it made.</summary>
    public async Task<int> RefreshAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var currentHour = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        List<(int HostId, DateTime Hour)> stale = [];
        await using (var command = dataSource.CreateCommand(StaleSql))
        {
            command.Parameters.AddWithValue("current_hour", NpgsqlDbType.TimestampTz, currentHour);
            command.Parameters.AddWithValue("horizon", NpgsqlDbType.TimestampTz, currentHour - Horizon);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stale.Add((reader.GetInt32(0), reader.GetFieldValue<DateTime>(1)));
            }
        }
        foreach (var (hostId, hour) in stale)
        {
            await using var make = dataSource.CreateCommand(MakeSql);
            make.Parameters.AddWithValue("host_id", hostId);
            make.Parameters.AddWithValue("hour", NpgsqlDbType.TimestampTz, hour);
            make.Parameters.AddWithValue("size", (long)Size);
            await make.ExecuteNonQueryAsync(ct);
        }
        if (stale.Count > 0)
        {
            logger.LogDebug("Made {Count} hourly leaderboards", stale.Count);
        }
        return stale.Count;
    }
}

/// <summary>Runs <see cref="HourLeaders.RefreshAsync"/> every half minute.</summary>
internal sealed class HourLeadersRefresher(HourLeaders leaders, ILogger<HourLeadersRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await leaders.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (Data.DatabaseFailures.IsDatabaseFailure(e) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Making hourly leaderboards failed; trying again in {Interval}", Interval);
            }
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
