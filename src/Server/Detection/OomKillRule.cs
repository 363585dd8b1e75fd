using System.Globalization;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// The OOM killer at work: kills, invocations and systemd-oomd kills of a host, those closer than
/// <see cref="DetectionOptions.OomGroupGap"/> to each other one alert naming its victims. Critical when
/// something was killed; a warning when the OOM killer was only invoked.
/// </summary>
internal sealed class OomKillRule(IOptions<DetectionOptions> options, Suspects suspects) : IDetectionRule
{
    private static readonly string[] Kinds = [HostEventKinds.OomKill, HostEventKinds.OomdKill, HostEventKinds.OomInvoked];

    public string Name => AlertRules.OomKill;

    public TimeSpan Gap => options.Value.OomGroupGap;

    public (DateTime From, DateTime To) Recomputes(ChangedSpan span) => (span.From - Gap, span.To + Gap);

    private const string EventsSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_time, to_time))
        SELECT e.host_id, e.time, e.kind, e.pid, e.process FROM host_events e
        JOIN spans s ON s.host_id = e.host_id AND e.time >= s.from_time AND e.time <= s.to_time
        WHERE e.kind = ANY(@kinds)
        ORDER BY e.host_id, e.time
        """;

    private sealed record Event(int HostId, DateTime Time, string Kind, int? Pid, string? Process);

    public async Task<List<Episode>> FindAsync(NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, CancellationToken ct)
    {
        var events = await EventsAsync(connection, spans, Recomputes, ct);
        return [.. Runs.Of(events, e => new AlertSubject(Name, e.HostId, null, null), e => e.Time,
            e => e.Kind == HostEventKinds.OomInvoked ? AlertSeverities.Warning : AlertSeverities.Critical, Gap)];
    }

    public async Task<(string Summary, AlertEvidence Evidence)> DescribeAsync(
        NpgsqlConnection connection, AlertSubject subject, DateTime startsAt, DateTime lastHeldAt, CancellationToken ct)
    {
        var events = await EventsAsync(connection, [new ChangedSpan(subject.HostId, startsAt, lastHeldAt)], s => (s.From, s.To), ct);
        var victims = events.Select(e => new AlertVictim(new DateTimeOffset(e.Time), e.Kind, e.Pid, e.Process)).ToList();
        var kills = events.Where(e => e.Kind != HostEventKinds.OomInvoked).ToList();
        var named = string.Join(", ", kills.Take(10).Select(e => e.Pid is { } pid ? $"{e.Process ?? "?"} {pid}" : e.Process ?? "a process"));
        var summary = kills.Count switch
        {
            0 => "the OOM killer was invoked",
            1 => $"OOM kill: {named}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{kills.Count} OOM kills: {named}{(kills.Count > 10 ? ", …" : "")}"),
        };
        List<string> facts = [];
        var invoked = events.Count - kills.Count;
        if (invoked > 0)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"the OOM killer invoked {invoked} times"));
        }
        return (summary, new AlertEvidence(facts, Suspects: await suspects.FindAsync(connection, subject.HostId, startsAt, ct), Victims: victims));
    }

    private static async Task<List<Event>> EventsAsync(
        NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, Func<ChangedSpan, (DateTime From, DateTime To)> range, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(EventsSql, connection);
        SpanParameters.Add(command, spans, range);
        command.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = Kinds });
        List<Event> events = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(new(reader.GetInt32(0), reader.GetFieldValue<DateTime>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return events;
    }
}
