using System.Globalization;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>
/// A host whose memory and swap, on the trend of the fit window, run out within the horizon — or have run
/// out already. What is left is available memory (as a kernel without MemAvailable has it derived at
/// ingest) plus free swap. A fall smaller than <see cref="DetectionOptions.MemoryMinFall"/> of the whole is
/// noise, not a trend. Warning; critical within a third of the horizon, or when it has run out.
/// </summary>
internal sealed class MemoryExhaustionRule(IOptions<DetectionOptions> options, Suspects suspects) : IDetectionRule
{
    public TimeSpan Gap => Options.ResolveAfter;

    public string Name => AlertRules.MemoryExhaustion;

    private DetectionOptions Options => options.Value;

    // A forecast at t uses the samples of (t - fit window, t]: new samples change those up to a window later.
    public (DateTime From, DateTime To) Recomputes(ChangedSpan span) => (span.From, span.To + Options.MemoryFitWindow);

    private const string SamplesSql = """
        WITH spans AS (
            SELECT * FROM unnest(@hosts, @froms, @tos) AS s(host_id, from_time, to_time))
        SELECT m.host_id, m.time, m.mem_available_kb + coalesce(m.swap_free_kb, 0), m.mem_total_kb + coalesce(m.swap_total_kb, 0)
        FROM memory_samples m JOIN spans s ON s.host_id = m.host_id AND m.time >= s.from_time - @fit AND m.time <= s.to_time
        WHERE m.mem_available_kb IS NOT NULL AND m.mem_total_kb > 0
        ORDER BY m.host_id, m.time
        """;

    public async Task<List<Episode>> FindAsync(NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, CancellationToken ct)
    {
        var samples = await SamplesAsync(connection, spans, Recomputes, ct);
        List<(AlertSubject Subject, MemoryForecast Forecast)> held = [];
        foreach (var span in spans)
        {
            if (!samples.TryGetValue(span.HostId, out var hostSamples))
            {
                continue;
            }
            var subject = new AlertSubject(Name, span.HostId, null, null);
            held.AddRange(MemoryTrend.Over(hostSamples, Recomputes(span).From, Options.MemoryFitWindow)
                .Where(f => Severity(f) is not null)
                .Select(f => (subject, f)));
        }
        return [.. Runs.Of(held, h => h.Subject, h => h.Forecast.Time, h => Severity(h.Forecast)!, Gap)];
    }

    /// <summary>The alert's severity at this forecast, or null when memory is not running out.</summary>
    private string? Severity(MemoryForecast forecast)
    {
        if (forecast.LeftKb < Options.MemoryExhausted * forecast.TotalKb)
        {
            return AlertSeverities.Critical;
        }
        var falling = forecast.FallKbPerMinute * Options.MemoryFitWindow.TotalMinutes >= Options.MemoryMinFall * forecast.TotalKb;
        var minutesLeft = forecast.MinutesLeft;
        return !falling || minutesLeft >= Options.MemoryHorizon.TotalMinutes ? null
            : minutesLeft < Options.MemoryHorizon.TotalMinutes / 3 ? AlertSeverities.Critical
            : AlertSeverities.Warning;
    }

    public async Task<(string Summary, AlertEvidence Evidence)> DescribeAsync(
        NpgsqlConnection connection, AlertSubject subject, DateTime startsAt, DateTime lastHeldAt, CancellationToken ct)
    {
        var span = new ChangedSpan(subject.HostId, lastHeldAt, lastHeldAt);
        var samples = await SamplesAsync(connection, [span], s => (s.From, s.To), ct);
        var latest = samples.TryGetValue(subject.HostId, out var hostSamples)
            ? MemoryTrend.Over(hostSamples, lastHeldAt, Options.MemoryFitWindow).LastOrDefault()
            : default;
        List<string> facts = [];
        double? minutesLeft = null;
        if (latest.TotalKb > 0)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"{Megabytes(latest.LeftKb)} of {Megabytes(latest.TotalKb)} memory and swap left"));
            if (latest.LeftKb < Options.MemoryExhausted * latest.TotalKb)
            {
                facts.Add("memory and swap have run out");
                minutesLeft = 0;
            }
            else if (latest.FallKbPerMinute > 0)
            {
                facts.Add(string.Create(CultureInfo.InvariantCulture, $"falling {Megabytes(latest.FallKbPerMinute)} a minute"));
                minutesLeft = Math.Round(latest.MinutesLeft, 1);
            }
        }
        var found = await suspects.FindAsync(connection, subject.HostId, startsAt, ct);
        var summary = minutesLeft switch
        {
            0 => "memory and swap have run out",
            { } minutes => string.Create(CultureInfo.InvariantCulture, $"memory runs out in about {Math.Max(1, Math.Round(minutes)):0} min"),
            _ => "memory was running out",
        };
        return (summary, new AlertEvidence(facts, MinutesLeft: minutesLeft, Suspects: found));
    }

    private static string Megabytes(double kb) => string.Create(CultureInfo.InvariantCulture, $"{kb / 1024:N0} MB");

    private async Task<Dictionary<int, List<MemoryLeft>>> SamplesAsync(
        NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, Func<ChangedSpan, (DateTime From, DateTime To)> range, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SamplesSql, connection);
        SpanParameters.Add(command, spans, range);
        command.Parameters.AddWithValue("fit", Options.MemoryFitWindow);
        Dictionary<int, List<MemoryLeft>> samples = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var hostId = reader.GetInt32(0);
            if (!samples.TryGetValue(hostId, out var list))
            {
                samples[hostId] = list = [];
            }
            list.Add(new MemoryLeft(reader.GetFieldValue<DateTime>(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return samples;
    }
}
