using System.Globalization;
using System.Net;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// An address sending, within the window, at least the floor, <see cref="DetectionOptions.SurgeOverOwnRate"/>
/// times its own usual rate over the day before, more than the host's clients usually send (median + k
/// median absolute deviations of their hourly requests: robust to the few heavy ones), while among the host's
/// busiest addresses. A steady crawler or an office behind one address is its own baseline; a host without
/// an hour of history is not judged (everything on it is new). Info above the floor (an address worth a
/// look, not a page: an office arriving in the morning looks the same), a warning and critical at higher rates.
/// </summary>
internal sealed class SurgeRule(IOptions<DetectionOptions> options) : IDetectionRule
{
    public TimeSpan Gap => Options.ResolveAfter;

    public string Name => AlertRules.Surge;

    private DetectionOptions Options => options.Value;

    private TimeSpan Lookback => Options.Window - TimeSpan.FromMinutes(1);

    private double WindowsPerHour => TimeSpan.FromHours(1) / Options.Window;

    public (DateTime From, DateTime To) Recomputes(ChangedSpan span) =>
        (Minutes.Floor(span.From), Minutes.Floor(span.To) + Lookback);

    // Candidates first (an address under the floor over the whole span cannot surge in any window of it),
    // then their requests in each window, ranked among each other (everyone else is under the floor).
    private const string WindowsSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_minute, to_minute)),
        candidates AS (
            SELECT m.host_id, m.client_ip FROM access_minute m
            JOIN spans s ON s.host_id = m.host_id AND m.minute >= s.from_minute - @lookback AND m.minute <= s.to_minute
            GROUP BY m.host_id, m.client_ip HAVING sum(m.requests) >= @floor),
        windows AS (
            SELECT m.host_id, m.client_ip, m.minute, s.from_minute,
                   sum(m.requests) OVER (PARTITION BY m.host_id, m.client_ip ORDER BY m.minute RANGE BETWEEN @lookback PRECEDING AND CURRENT ROW) AS in_window
            FROM access_minute m
            JOIN candidates c ON c.host_id = m.host_id AND c.client_ip = m.client_ip
            JOIN spans s ON s.host_id = m.host_id AND m.minute >= s.from_minute - @lookback AND m.minute <= s.to_minute)
        SELECT host_id, client_ip, minute, in_window, rank() OVER (PARTITION BY host_id, minute ORDER BY in_window DESC)
        FROM windows WHERE minute >= from_minute AND in_window >= @floor
        """;

    // Per host and hour H: over the day before H, how long the host has had data, and the median and
    // median absolute deviation of its addresses' hourly requests. A window is judged against the day
    // before its own hour, so an import of last week is judged as live shipping was.
    private const string PopulationSql = """
        WITH hours AS (
            SELECT DISTINCT * FROM unnest(@hosts, @hours) AS w(host_id, hour)),
        day AS (
            SELECT w.host_id, w.hour AS judged, h.hour, h.requests FROM hours w
            JOIN access_hour h ON h.host_id = w.host_id AND h.hour >= w.hour - interval '24 hours' AND h.hour < w.hour),
        medians AS (
            SELECT host_id, judged, min(hour) AS first_hour, count(DISTINCT hour) AS hours,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY requests) AS median
            FROM day GROUP BY host_id, judged)
        SELECT m.host_id, m.judged, m.first_hour, m.hours, m.median,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(d.requests - m.median)) FROM day d
                WHERE d.host_id = m.host_id AND d.judged = m.judged)
        FROM medians m
        """;

    // The candidates' own requests over the day before each hour they are judged in.
    private const string OwnSql = """
        WITH wanted AS (
            SELECT DISTINCT * FROM unnest(@hosts, @ips, @hours) AS w(host_id, client_ip, hour))
        SELECT w.host_id, w.client_ip, w.hour, sum(h.requests) FROM wanted w
        JOIN access_hour h ON h.host_id = w.host_id AND h.client_ip = w.client_ip AND h.hour >= w.hour - interval '24 hours' AND h.hour < w.hour
        GROUP BY w.host_id, w.client_ip, w.hour
        """;

    private sealed record Window(int HostId, IPAddress Ip, DateTime Minute, long InWindow, long Rank)
    {
        /// <summary>The hour whose day before is its baseline: the hour its window starts in.</summary>
        public DateTime JudgedHour(TimeSpan lookback)
        {
            var start = Minute - lookback;
            return new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        }
    }

    private sealed record Population(DateTime FirstHour, long Hours, double Median, double Mad);

    public async Task<List<Episode>> FindAsync(NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, CancellationToken ct)
    {
        List<Window> windows = [];
        await using (var command = new NpgsqlCommand(WindowsSql, connection))
        {
            SpanParameters.Add(command, spans, Recomputes);
            command.Parameters.AddWithValue("lookback", Lookback);
            command.Parameters.AddWithValue("floor", (long)Options.SurgeFloor);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                windows.Add(new(reader.GetInt32(0), reader.GetFieldValue<IPAddress>(1), reader.GetFieldValue<DateTime>(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }
        windows.RemoveAll(w => w.Rank > Options.SurgeTopTalkers);
        if (windows.Count == 0)
        {
            return [];
        }
        var populations = await PopulationsAsync(connection, windows, ct);
        var own = await OwnRequestsAsync(connection, windows, ct);
        var held = windows.Where(w =>
        {
            var hour = w.JudgedHour(Lookback);
            return populations.TryGetValue((w.HostId, hour), out var population)
                && hour - population.FirstHour >= Options.SurgeMinHistory
                && w.InWindow >= Options.SurgeOverOwnRate * Math.Max(1, UsualPerWindow(own.GetValueOrDefault((w.HostId, w.Ip, hour)), population.Hours))
                && w.InWindow >= (population.Median + Options.SurgeOverPopulationMads * population.Mad) / WindowsPerHour;
        });
        return [.. Runs.Of(held, w => new AlertSubject(Name, w.HostId, w.Ip, null), w => w.Minute,
            w => Severity(w.InWindow), Gap)];
    }

    private string Severity(long inWindow) =>
        inWindow >= Options.SurgeCriticalRequests ? AlertSeverities.Critical
        : inWindow >= Options.SurgeWarningRequests ? AlertSeverities.Warning
        : AlertSeverities.Info;

    private double UsualPerWindow(long requestsInDay, long hoursOfHistory) => hoursOfHistory == 0 ? 0 : requestsInDay / (hoursOfHistory * WindowsPerHour);

    private async Task<Dictionary<(int HostId, DateTime Hour), Population>> PopulationsAsync(NpgsqlConnection connection, List<Window> windows, CancellationToken ct)
    {
        Dictionary<(int, DateTime), Population> populations = [];
        await using var command = new NpgsqlCommand(PopulationSql, connection);
        command.Parameters.Add(new NpgsqlParameter("hosts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = windows.Select(w => w.HostId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = windows.Select(w => w.JudgedHour(Lookback)).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            populations[(reader.GetInt32(0), reader.GetFieldValue<DateTime>(1))] =
                new(reader.GetFieldValue<DateTime>(2), reader.GetInt64(3), reader.GetDouble(4), reader.GetDouble(5));
        }
        return populations;
    }

    private async Task<Dictionary<(int HostId, IPAddress Ip, DateTime Hour), long>> OwnRequestsAsync(NpgsqlConnection connection, List<Window> windows, CancellationToken ct)
    {
        Dictionary<(int, IPAddress, DateTime), long> own = [];
        await using var command = new NpgsqlCommand(OwnSql, connection);
        command.Parameters.Add(new NpgsqlParameter("hosts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = windows.Select(w => w.HostId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("ips", NpgsqlDbType.Array | NpgsqlDbType.Inet) { Value = windows.Select(w => w.Ip).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = windows.Select(w => w.JudgedHour(Lookback)).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            own[(reader.GetInt32(0), reader.GetFieldValue<IPAddress>(1), reader.GetFieldValue<DateTime>(2))] = reader.GetInt64(3);
        }
        return own;
    }

    private const string DescribeSql = """
        SELECT coalesce(sum(requests), 0), coalesce(max(requests), 0),
               (SELECT coalesce(sum(requests), 0) FROM access_hour
                WHERE host_id = @host AND client_ip = @ip AND hour >= @from - interval '24 hours' AND hour < @from - interval '1 hour')
        FROM access_minute WHERE host_id = @host AND client_ip = @ip AND minute BETWEEN @from AND @to
        """;

    public async Task<(string Summary, AlertEvidence Evidence)> DescribeAsync(
        NpgsqlConnection connection, AlertSubject subject, DateTime startsAt, DateTime lastHeldAt, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(DescribeSql, connection);
        command.Parameters.AddWithValue("host", subject.HostId);
        command.Parameters.Add(new NpgsqlParameter("ip", NpgsqlDbType.Inet) { Value = subject.Ip! });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = startsAt - Lookback });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = lastHeldAt });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (requests, peak, dayBefore) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        List<string> facts =
        [
            string.Create(CultureInfo.InvariantCulture, $"up to {peak:N0} requests a minute"),
            dayBefore == 0 ? "not seen in the day before" : string.Create(CultureInfo.InvariantCulture, $"{dayBefore:N0} requests in the day before"),
        ];
        var summary = string.Create(CultureInfo.InvariantCulture, $"{subject.Ip}: surge of {requests:N0} requests ({string.Join(", ", facts)})");
        return (summary, new AlertEvidence(facts, Requests: requests));
    }
}
