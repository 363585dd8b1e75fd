using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// Turns the episodes a rule found in recomputed times into stored alerts. An alert's times outside what
/// was recomputed are kept as they were; inside, the new episodes replace them; episodes closer than
/// the rule's gap are one alert. So data that lands late, out of order or twice
/// gives the same alerts as data that landed once, in order; and an alert keeps its id and fingerprint
/// as it grows. An alert has ended once its host's data runs past its last held time by the resolve delay.
/// </summary>
internal sealed class AlertStore(IOptions<DetectionOptions> options)
{
    private TimeSpan ResolveAfter => options.Value.ResolveAfter;

    private sealed record Interval(DateTime StartsAt, DateTime LastHeldAt, string Severity);

    private sealed record Stored(long Id, AlertSubject Subject, string Severity, DateTime StartsAt, DateTime LastHeldAt, DateTime? EndsAt);

    private const string LoadSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_time, to_time))
        SELECT a.id, a.host_id, a.ip, a.shape, a.severity, a.starts_at, a.last_held_at, a.ends_at
        FROM alerts a JOIN spans s ON s.host_id = a.host_id AND a.last_held_at >= s.from_time - @gap AND a.starts_at <= s.to_time + @gap
        WHERE a.rule = @rule
        """;

    /// <summary>Stores what <paramref name="rule"/> found for <paramref name="spans"/>, describing every alert that changed.</summary>
    /// <param name="latestData">Each host's latest data time: how far its alerts can be known to have ended.</param>
    /// <returns>The alerts described anew.</returns>
    public async Task<HashSet<long>> ReconcileAsync(
        NpgsqlConnection connection, IDetectionRule rule, IReadOnlyList<ChangedSpan> spans, List<Episode> found,
        IReadOnlyDictionary<int, DateTime> latestData, CancellationToken ct)
    {
        HashSet<long> described = [];
        var stored = await LoadAsync(connection, rule, spans, ct);
        foreach (var span in spans)
        {
            var recomputed = rule.Recomputes(span);
            var subjects = found.Where(e => e.Subject.HostId == span.HostId).Select(e => e.Subject)
                .Concat(stored.Where(s => s.Subject.HostId == span.HostId).Select(s => s.Subject)).Distinct();
            foreach (var subject in subjects)
            {
                var episodes = found.Where(e => e.Subject == subject).Select(e => new Interval(e.StartsAt, e.LastHeldAt, e.Severity));
                var before = stored.Where(s => s.Subject == subject).OrderBy(s => s.StartsAt).ToList();
                var latest = latestData.GetValueOrDefault(span.HostId, recomputed.To);
                await ApplyAsync(connection, rule, subject, Merge(episodes.Concat(before.SelectMany(s => OutsideOf(s, recomputed))), rule.Gap), before, latest, described, ct);
            }
        }
        return described;
    }

    // Alerts whose evidence reads data that changed (requests before a memory alert, for its suspects),
    // though their own times did not: data of one kind may land after another's.
    private const string AffectedSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_time, to_time))
        SELECT DISTINCT a.id, a.rule, a.host_id, a.ip, a.shape, a.starts_at, a.last_held_at
        FROM alerts a JOIN spans s ON s.host_id = a.host_id AND a.starts_at - @lookback <= s.to_time AND a.last_held_at >= s.from_time
        """;

    /// <summary>Describes again the alerts whose evidence the changed spans touch, but for those described already.</summary>
    public async Task RefreshAsync(
        NpgsqlConnection connection, IReadOnlyDictionary<string, IDetectionRule> rules, IReadOnlyList<ChangedSpan> spans, HashSet<long> described, CancellationToken ct)
    {
        List<(long Id, AlertSubject Subject, DateTime StartsAt, DateTime LastHeldAt)> affected = [];
        await using (var command = new NpgsqlCommand(AffectedSql, connection))
        {
            SpanParameters.Add(command, spans, s => (s.From, s.To));
            command.Parameters.AddWithValue("lookback", options.Value.SuspectLookback);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var subject = new AlertSubject(reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<IPAddress>(3),
                    reader.IsDBNull(4) ? null : reader.GetInt16(4));
                affected.Add((reader.GetInt64(0), subject, reader.GetFieldValue<DateTime>(5), reader.GetFieldValue<DateTime>(6)));
            }
        }
        foreach (var (id, subject, startsAt, lastHeldAt) in affected.Where(a => !described.Contains(a.Id) && rules.ContainsKey(a.Subject.Rule)))
        {
            var (summary, evidence) = await rules[subject.Rule].DescribeAsync(connection, subject, startsAt, lastHeldAt, ct);
            await using var command = new NpgsqlCommand("UPDATE alerts SET summary = @summary, evidence = @evidence, updated_at = now() WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("summary", summary);
            command.Parameters.Add(new NpgsqlParameter("evidence", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(evidence, JsonSerializerOptions.Web) });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    // The part of a stored alert that was not recomputed still holds.
    private static IEnumerable<Interval> OutsideOf(Stored alert, (DateTime From, DateTime To) recomputed)
    {
        if (alert.StartsAt < recomputed.From)
        {
            yield return new Interval(alert.StartsAt, Min(alert.LastHeldAt, recomputed.From.AddTicks(-1)), alert.Severity);
        }
        if (alert.LastHeldAt > recomputed.To)
        {
            yield return new Interval(Max(alert.StartsAt, recomputed.To.AddTicks(1)), alert.LastHeldAt, alert.Severity);
        }
    }

    private static List<Interval> Merge(IEnumerable<Interval> intervals, TimeSpan gap)
    {
        List<Interval> merged = [];
        foreach (var next in intervals.OrderBy(i => i.StartsAt))
        {
            if (merged.Count > 0 && next.StartsAt - merged[^1].LastHeldAt <= gap)
            {
                var last = merged[^1];
                merged[^1] = new Interval(last.StartsAt, Max(last.LastHeldAt, next.LastHeldAt),
                    AlertSeverities.Rank(next.Severity) > AlertSeverities.Rank(last.Severity) ? next.Severity : last.Severity);
            }
            else
            {
                merged.Add(next);
            }
        }
        return merged;
    }

    // Each merged interval keeps the oldest stored alert it overlaps (its id and fingerprint); the others
    // it swallowed, and those no longer found at all, go first (so a new one may take a freed fingerprint).
    private async Task ApplyAsync(
        NpgsqlConnection connection, IDetectionRule rule, AlertSubject subject, List<Interval> merged, List<Stored> before, DateTime latest,
        HashSet<long> described, CancellationToken ct)
    {
        var unused = new List<Stored>(before);
        List<(Interval Interval, Stored? Kept)> plan = [];
        foreach (var interval in merged)
        {
            var overlapping = unused.Where(s => s.StartsAt <= interval.LastHeldAt + rule.Gap && s.LastHeldAt >= interval.StartsAt - rule.Gap).OrderBy(s => s.Id).ToList();
            unused.RemoveAll(overlapping.Contains);
            plan.Add((interval, overlapping.FirstOrDefault()));
            unused.AddRange(overlapping.Skip(1));
        }
        foreach (var gone in unused.Where(s => plan.All(p => p.Kept != s)))
        {
            await DeleteAsync(connection, gone.Id, ct);
        }
        foreach (var (interval, kept) in plan)
        {
            var endsAt = latest - interval.LastHeldAt >= ResolveAfter ? interval.LastHeldAt + TimeSpan.FromMinutes(1) : (DateTime?)null;
            if (kept is not null && kept.StartsAt == interval.StartsAt && kept.LastHeldAt == interval.LastHeldAt
                && kept.Severity == interval.Severity && kept.EndsAt == endsAt)
            {
                continue;
            }
            var (summary, evidence) = await rule.DescribeAsync(connection, subject, interval.StartsAt, interval.LastHeldAt, ct);
            if (kept is null)
            {
                described.Add(await InsertAsync(connection, subject, interval, endsAt, summary, evidence, ct));
            }
            else
            {
                await UpdateAsync(connection, kept.Id, interval, endsAt, summary, evidence, ct);
                described.Add(kept.Id);
            }
        }
    }

    private static async Task<List<Stored>> LoadAsync(NpgsqlConnection connection, IDetectionRule rule, IReadOnlyList<ChangedSpan> spans, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(LoadSql, connection);
        SpanParameters.Add(command, spans, rule.Recomputes);
        command.Parameters.AddWithValue("gap", rule.Gap);
        command.Parameters.AddWithValue("rule", rule.Name);
        List<Stored> stored = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var subject = new AlertSubject(rule.Name, reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<IPAddress>(2), reader.IsDBNull(3) ? null : reader.GetInt16(3));
            stored.Add(new Stored(reader.GetInt64(0), subject, reader.GetString(4), reader.GetFieldValue<DateTime>(5), reader.GetFieldValue<DateTime>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTime>(7)));
        }
        return stored;
    }

    private const string InsertSql = """
        INSERT INTO alerts (host_id, rule, ip, shape, fingerprint, severity, starts_at, last_held_at, ends_at, summary, evidence, updated_at)
        VALUES (@host, @rule, @ip, @shape, @fingerprint, @severity, @starts, @last, @ends, @summary, @evidence, now())
        RETURNING id
        """;

    private const string UpdateSql = """
        UPDATE alerts SET severity = @severity, starts_at = @starts, last_held_at = @last, ends_at = @ends,
                          summary = @summary, evidence = @evidence, updated_at = now()
        WHERE id = @id
        """;

    private static async Task<long> InsertAsync(
        NpgsqlConnection connection, AlertSubject subject, Interval interval, DateTime? endsAt, string summary, AlertEvidence evidence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection);
        command.Parameters.AddWithValue("host", subject.HostId);
        command.Parameters.AddWithValue("rule", subject.Rule);
        command.Parameters.Add(new NpgsqlParameter("ip", NpgsqlDbType.Inet) { Value = (object?)subject.Ip ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("shape", NpgsqlDbType.Smallint) { Value = (object?)subject.Shape ?? DBNull.Value });
        command.Parameters.AddWithValue("fingerprint", Fingerprint(subject, interval.StartsAt));
        AddState(command, interval, endsAt, summary, evidence);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task UpdateAsync(
        NpgsqlConnection connection, long id, Interval interval, DateTime? endsAt, string summary, AlertEvidence evidence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(UpdateSql, connection);
        command.Parameters.AddWithValue("id", id);
        AddState(command, interval, endsAt, summary, evidence);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddState(NpgsqlCommand command, Interval interval, DateTime? endsAt, string summary, AlertEvidence evidence)
    {
        command.Parameters.AddWithValue("severity", interval.Severity);
        command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.TimestampTz) { Value = interval.StartsAt });
        command.Parameters.Add(new NpgsqlParameter("last", NpgsqlDbType.TimestampTz) { Value = interval.LastHeldAt });
        command.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.TimestampTz) { Value = (object?)endsAt ?? DBNull.Value });
        command.Parameters.AddWithValue("summary", summary);
        command.Parameters.Add(new NpgsqlParameter("evidence", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(evidence, JsonSerializerOptions.Web) });
    }

    private static async Task DeleteAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM alerts WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Names the alert for good, whatever its times become: receivers deduplicate on it.</summary>
    private static string Fingerprint(AlertSubject subject, DateTime startsAt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subject.Rule}|{subject.HostId}|{subject.Ip}|{subject.Shape}|{startsAt.Ticks}")))[..32];

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
