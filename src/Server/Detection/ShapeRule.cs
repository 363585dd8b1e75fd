using System.Globalization;
using System.Net;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// An address whose requests have an attack's shape (<see cref="RequestShapes"/>): at least the shape's
/// number of such requests within the window, counted at ingest per minute, so no raw row is read to find it.
/// Warning; critical past <see cref="DetectionOptions.ShapeCriticalRequests"/> in a window.
/// </summary>
internal sealed class ShapeRule(IOptions<DetectionOptions> options) : IDetectionRule
{
    public TimeSpan Gap => options.Value.ResolveAfter;

    public string Name => AlertRules.RequestShape;

    private TimeSpan Window => options.Value.Window;

    // Windows ending at minutes [from, to + window) hold the new data.
    public (DateTime From, DateTime To) Recomputes(ChangedSpan span) =>
        (Minutes.Floor(span.From), Minutes.Floor(span.To) + Window - TimeSpan.FromMinutes(1));

    // For every minute m with shaped requests: the address's shaped requests in (m - window, m].
    private const string FindSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_minute, to_minute)),
        counted AS (
            SELECT m.host_id, m.shape, m.client_ip, m.minute, s.from_minute,
                   sum(m.requests) OVER (PARTITION BY m.host_id, m.shape, m.client_ip ORDER BY m.minute
                                         RANGE BETWEEN @lookback PRECEDING AND CURRENT ROW) AS in_window
            FROM access_shape_minute m
            JOIN spans s ON s.host_id = m.host_id AND m.minute >= s.from_minute - @lookback AND m.minute <= s.to_minute)
        SELECT host_id, shape, client_ip, minute, in_window FROM counted
        WHERE minute >= from_minute AND in_window >= @fewest
        """;

    public async Task<List<Episode>> FindAsync(NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(FindSql, connection);
        SpanParameters.Add(command, spans, Recomputes);
        command.Parameters.AddWithValue("lookback", Window - TimeSpan.FromMinutes(1));
        command.Parameters.AddWithValue("fewest", (long)RequestShapes.All.Min(s => s.MinRequests));
        List<(AlertSubject Subject, DateTime Minute, long InWindow)> held = [];
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var shape = RequestShapes.ById(reader.GetInt16(1));
                var inWindow = reader.GetInt64(4);
                if (shape is not null && inWindow >= shape.MinRequests)
                {
                    held.Add((new AlertSubject(Name, reader.GetInt32(0), reader.GetFieldValue<IPAddress>(2), shape.Id), reader.GetFieldValue<DateTime>(3), inWindow));
                }
            }
        }
        return [.. Runs.Of(held, h => h.Subject, h => h.Minute,
            h => h.InWindow >= options.Value.ShapeCriticalRequests ? AlertSeverities.Critical : AlertSeverities.Warning, Gap)];
    }

    // The address's requests while the alert held (its first window included), and the share that had the shape.
    private const string DescribeSql = """
        SELECT (SELECT coalesce(sum(requests), 0) FROM access_shape_minute
                WHERE host_id = @host AND shape = @shape AND client_ip = @ip AND minute BETWEEN @from AND @to) AS shaped,
               coalesce(sum(requests), 0), coalesce(sum(no_agent), 0), coalesce(sum(head), 0), coalesce(sum(status206), 0)
        FROM access_minute WHERE host_id = @host AND client_ip = @ip AND minute BETWEEN @from AND @to
        """;

    // The paths of its latest requests: an attack asks for one over and over.
    private const string PathsSql = """
        SELECT count(DISTINCT path), count(*) FROM (
            SELECT path FROM access_log WHERE client_ip = @ip AND host_id = @host AND time >= @from AND time < @to + interval '1 minute'
            ORDER BY time DESC LIMIT 1000) latest
        """;

    public async Task<(string Summary, AlertEvidence Evidence)> DescribeAsync(
        NpgsqlConnection connection, AlertSubject subject, DateTime startsAt, DateTime lastHeldAt, CancellationToken ct)
    {
        var shape = RequestShapes.ById(subject.Shape!.Value)!;
        var from = startsAt - Window + TimeSpan.FromMinutes(1);
        long shaped, requests, noAgent, head, status206;
        await using (var command = new NpgsqlCommand(DescribeSql, connection))
        {
            AddSubject(command, subject, from, lastHeldAt);
            command.Parameters.AddWithValue("shape", subject.Shape.Value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (shaped, requests, noAgent, head, status206) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        long paths, latest;
        await using (var command = new NpgsqlCommand(PathsSql, connection))
        {
            AddSubject(command, subject, from, lastHeldAt);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (paths, latest) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        List<string> facts = [Share(shaped, requests) + " of its requests " + ShapeDescription(shape, head, status206)];
        if (noAgent > 0)
        {
            facts.Add(noAgent == requests ? "no user agent" : $"{Share(noAgent, requests)} without a user agent");
        }
        if (latest > 0)
        {
            facts.Add(paths == 1 ? "one path, over and over" : string.Create(CultureInfo.InvariantCulture, $"{paths} paths in its latest {latest} requests"));
        }
        var summary = string.Create(CultureInfo.InvariantCulture, $"{subject.Ip}: {shape.Label}, {requests:N0} requests ({string.Join(", ", facts)})");
        return (summary, new AlertEvidence(facts, Label: shape.Label, Requests: requests));
    }

    private static string ShapeDescription(RequestShape shape, long head, long status206) =>
        shape == RequestShapes.RangeDos
            ? (head >= status206 / 2 ? "were HEAD answered 206" : "were answered 206")
            : "were POSTs refused with 401 or 403";

    private static string Share(long part, long whole) =>
        whole == 0 ? "0%" : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(100.0 * part / whole)}%");

    private static void AddSubject(NpgsqlCommand command, AlertSubject subject, DateTime from, DateTime to)
    {
        command.Parameters.AddWithValue("host", subject.HostId);
        command.Parameters.Add(new NpgsqlParameter("ip", NpgsqlDbType.Inet) { Value = subject.Ip! });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to });
    }
}

/// <summary>The changed spans as the arrays a set-based query unnests: @hosts, @froms, @tos (the times each rule recomputes).</summary>
internal static class SpanParameters
{
    public static void Add(NpgsqlCommand command, IReadOnlyList<ChangedSpan> spans, Func<ChangedSpan, (DateTime From, DateTime To)> recomputes)
    {
        var ranges = spans.Select(recomputes).ToArray();
        command.Parameters.Add(new NpgsqlParameter("hosts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = spans.Select(s => s.HostId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("froms", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ranges.Select(r => r.From).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("tos", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ranges.Select(r => r.To).ToArray() });
    }
}
