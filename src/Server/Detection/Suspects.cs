using System.Globalization;
using System.Net;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// The addresses whose rise best explains a host's memory falling before a memory alert or OOM kills: of
/// its busiest addresses over the lookback, those whose requests per minute rose before the fall and
/// track how fast memory fell (the best correlation over a lag of up to three minutes: a swelling
/// process frees nothing until it is killed), around the onset of the fall. A steady visitor, however busy,
/// does not track a fall.
/// </summary>
internal sealed class Suspects(IOptions<DetectionOptions> options)
{
    private const int Contenders = 10;
    private const int MaxLagMinutes = 3;
    private const double MinScore = 0.7;
    private const int Kept = 3;

    private const string MemorySql = """
        SELECT date_trunc('minute', time), min(mem_available_kb + coalesce(swap_free_kb, 0)), max(mem_total_kb + coalesce(swap_total_kb, 0))
        FROM memory_samples WHERE host_id = @host AND time >= @from AND time <= @to AND mem_available_kb IS NOT NULL
        GROUP BY 1 ORDER BY 1
        """;

    private const string ContendersSql = """
        SELECT client_ip, sum(requests), sum(head), sum(status206), sum(no_agent),
               (SELECT coalesce(sum(h.requests), 0) FROM access_hour h
                WHERE h.host_id = @host AND h.client_ip = m.client_ip AND h.hour >= @from - interval '24 hours' AND h.hour < @from)
        FROM access_minute m WHERE host_id = @host AND minute >= @from AND minute <= @to
        GROUP BY client_ip ORDER BY sum(requests) DESC LIMIT @contenders
        """;

    private const string SeriesSql = """
        SELECT client_ip, minute, requests FROM access_minute
        WHERE host_id = @host AND minute >= @from AND minute <= @to AND client_ip = ANY(@ips)
        """;

    private static readonly TimeSpan OnsetBefore = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan OnsetAfter = TimeSpan.FromMinutes(10);

    private static DateTime[] MinutesOf(DateTime from, DateTime to) =>
        [.. Enumerable.Range(0, (int)(to - from).TotalMinutes + 1).Select(i => from.AddMinutes(i))];

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private sealed record Contender(IPAddress Ip, long Requests, long Head, long Status206, long NoAgent, long DayBefore);

    /// <summary>The suspects, most likely first, for memory that fell on <paramref name="hostId"/> up to <paramref name="at"/>.</summary>
    public async Task<List<AlertSuspect>> FindAsync(NpgsqlConnection connection, int hostId, DateTime at, CancellationToken ct)
    {
        var to = Minutes.Floor(at);
        var from = to - options.Value.SuspectLookback;
        var memory = await MemoryAsync(connection, hostId, from, to, ct);
        if (memory.Count < 3 || FallStart(memory) is not { } fellAt)
        {
            return [];
        }
        var contenders = await ContendersAsync(connection, hostId, from, to, ct);
        var series = await SeriesAsync(connection, hostId, from, to, contenders, ct);
        var minutes = MinutesOf(from, to);
        // What set the fall off is judged around its onset: later, a host out of memory falls (swap, kills) on its own schedule.
        var onset = MinutesOf(Max(from, fellAt - OnsetBefore), Min(to, fellAt + OnsetAfter));
        var drop = Drops(memory, onset);
        List<AlertSuspect> suspects = [];
        foreach (var contender in contenders)
        {
            var perMinute = minutes.Select(m => (double)series.GetValueOrDefault((contender.Ip, m))).ToArray();
            var rose = RiseStart(minutes, perMinute);
            var score = BestCorrelation(onset.Select(m => (double)series.GetValueOrDefault((contender.Ip, m))).ToArray(), drop);
            if (rose is not { } roseAt || roseAt > fellAt || score < MinScore)
            {
                continue;
            }
            suspects.Add(new AlertSuspect(contender.Ip.ToString(), Math.Round(score, 2), Facts(contender, fellAt - roseAt)));
        }
        return [.. suspects.OrderByDescending(s => s.Score).Take(Kept)];
    }

    private static List<string> Facts(Contender contender, TimeSpan lead)
    {
        List<string> facts =
        [
            lead < TimeSpan.FromMinutes(1) ? "rose as memory fell" : string.Create(CultureInfo.InvariantCulture, $"rose {lead.TotalMinutes:0} min before memory fell"),
        ];
        if (contender.Status206 * 2 > contender.Requests)
        {
            var share = Math.Round(100.0 * contender.Status206 / contender.Requests);
            facts.Add(contender.Head * 2 > contender.Requests ? $"{share}% HEAD→206" : $"{share}% answered 206");
        }
        if (contender.NoAgent == contender.Requests)
        {
            facts.Add("no user agent");
        }
        if (contender.DayBefore == 0)
        {
            facts.Add("not seen in the day before");
        }
        return facts;
    }

    // When memory started falling: the first minute more than the minimum fall below the most it held before.
    private DateTime? FallStart(List<(DateTime Minute, double Left, double Total)> memory)
    {
        var most = memory[0].Left;
        foreach (var (minute, left, total) in memory)
        {
            most = Math.Max(most, left);
            if (most - left >= options.Value.MemoryMinFall * total)
            {
                return minute;
            }
        }
        return null;
    }

    // When an address's requests rose: the first minute well above its usual minute (its median over the lookback), or its first at all.
    private static DateTime? RiseStart(DateTime[] minutes, double[] perMinute)
    {
        var sorted = perMinute.Order().ToArray();
        var usual = sorted[sorted.Length / 2];
        for (var i = 0; i < minutes.Length; i++)
        {
            if (perMinute[i] > Math.Max(1, 3 * usual))
            {
                return minutes[i];
            }
        }
        return null;
    }

    // How much memory fell in each minute (0 when it rose).
    private static double[] Drops(List<(DateTime Minute, double Left, double Total)> memory, DateTime[] minutes)
    {
        var byMinute = memory.ToDictionary(m => m.Minute, m => m.Left);
        var drops = new double[minutes.Length];
        double? previous = null;
        for (var i = 0; i < minutes.Length; i++)
        {
            if (byMinute.TryGetValue(minutes[i], out var left))
            {
                drops[i] = previous is { } p ? Math.Max(0, p - left) : 0;
                previous = left;
            }
        }
        return drops;
    }

    private static double BestCorrelation(double[] requests, double[] drops)
    {
        var best = 0.0;
        for (var lag = 0; lag <= MaxLagMinutes; lag++)
        {
            best = Math.Max(best, Correlation(requests.AsSpan(0, requests.Length - lag), drops.AsSpan(lag)));
        }
        return best;
    }

    private static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length;
        double meanX = 0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += x[i] / n;
            meanY += y[i] / n;
        }
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (var i = 0; i < n; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varianceX += (x[i] - meanX) * (x[i] - meanX);
            varianceY += (y[i] - meanY) * (y[i] - meanY);
        }
        return varianceX == 0 || varianceY == 0 ? 0 : covariance / Math.Sqrt(varianceX * varianceY);
    }

    private static async Task<List<(DateTime Minute, double Left, double Total)>> MemoryAsync(NpgsqlConnection connection, int hostId, DateTime from, DateTime to, CancellationToken ct)
    {
        await using var command = Command(connection, MemorySql, hostId, from, to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<(DateTime, double, double)> memory = [];
        while (await reader.ReadAsync(ct))
        {
            memory.Add((reader.GetFieldValue<DateTime>(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return memory;
    }

    private static async Task<List<Contender>> ContendersAsync(NpgsqlConnection connection, int hostId, DateTime from, DateTime to, CancellationToken ct)
    {
        await using var command = Command(connection, ContendersSql, hostId, from, to);
        command.Parameters.AddWithValue("contenders", Contenders);
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<Contender> contenders = [];
        while (await reader.ReadAsync(ct))
        {
            contenders.Add(new(reader.GetFieldValue<IPAddress>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }
        return contenders;
    }

    private static async Task<Dictionary<(IPAddress, DateTime), long>> SeriesAsync(
        NpgsqlConnection connection, int hostId, DateTime from, DateTime to, List<Contender> contenders, CancellationToken ct)
    {
        await using var command = Command(connection, SeriesSql, hostId, from, to);
        command.Parameters.Add(new NpgsqlParameter("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet) { Value = contenders.Select(c => c.Ip).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        Dictionary<(IPAddress, DateTime), long> series = [];
        while (await reader.ReadAsync(ct))
        {
            series[(reader.GetFieldValue<IPAddress>(0), reader.GetFieldValue<DateTime>(1))] = reader.GetInt64(2);
        }
        return series;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, int hostId, DateTime from, DateTime to)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("host", hostId);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to });
        return command;
    }
}
