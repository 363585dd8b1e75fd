using Dashboard.Server.Data;
using Dashboard.Shared;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Stats;

/// <summary>
/// A validated range. Rollups have minute resolution, so they are read over every minute that overlaps
/// [From, To); raw rows are read over [From, To) exactly. Buckets start at multiples of Step since the epoch.
/// </summary>
internal sealed record ReadRange(DateTime From, DateTime To, int? HostId, TimeSpan Step)
{
    /// <summary>Bucket widths, smallest first; the range gets the smallest that keeps the chart under <see cref="MaxBuckets"/>.</summary>
    private static readonly int[] StepLadderSeconds = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
    public const int MaxBuckets = 360;
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    // The calendar a range may lie in: buckets are rounded out past its ends, which must stay within what
    // DateTime holds. Nothing stored is older than 1995 or newer than tomorrow (see Ingest/AcceptedTimes).
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTime FirstMinute => Floor(From, TimeSpan.FromMinutes(1));
    public DateTime EndMinute => Ceiling(To, TimeSpan.FromMinutes(1));

    /// <summary>Bucket starts covering the range, oldest first.</summary>
    public DateTime[] Buckets()
    {
        var first = Floor(From, Step);
        var count = (int)((EndMinute - first).Ticks / Step.Ticks) + ((EndMinute - first).Ticks % Step.Ticks == 0 ? 0 : 1);
        return [.. Enumerable.Range(0, count).Select(i => first + i * Step)];
    }

    public int BucketIndex(DateTime bucket) => (int)((bucket - Floor(From, Step)).Ticks / Step.Ticks);

    public static TimeSpan StepFor(TimeSpan span)
    {
        foreach (var seconds in StepLadderSeconds)
        {
            if (span.TotalSeconds / seconds <= MaxBuckets)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }
        return TimeSpan.FromSeconds(StepLadderSeconds[^1]);
    }

    /// <summary>
    /// Adds the parameters every rollup query shares: <c>@host_id</c> (null: all hosts), the minutes
    /// [<c>@first_minute</c>, <c>@end_minute</c>), the whole hours among them [<c>@hours_from</c>,
    /// <c>@hours_to</c>) (both <c>@end_minute</c> when there is none), and the bucket width <c>@step</c>.
    /// </summary>
    public void AddRollupParameters(NpgsqlCommand command)
    {
        var hoursFrom = Ceiling(FirstMinute, TimeSpan.FromHours(1));
        var hoursTo = Floor(EndMinute, TimeSpan.FromHours(1));
        if (hoursFrom >= hoursTo)
        {
            hoursFrom = hoursTo = EndMinute;
        }
        AddHostParameter(command);
        command.Parameters.AddWithValue("first_minute", NpgsqlDbType.TimestampTz, FirstMinute);
        command.Parameters.AddWithValue("end_minute", NpgsqlDbType.TimestampTz, EndMinute);
        command.Parameters.AddWithValue("hours_from", NpgsqlDbType.TimestampTz, hoursFrom);
        command.Parameters.AddWithValue("hours_to", NpgsqlDbType.TimestampTz, hoursTo);
        command.Parameters.AddWithValue("step", NpgsqlDbType.Interval, Step);
    }

    /// <summary>Adds the parameters of a raw-row query: <c>@host_id</c> (null: all hosts) and [<c>@from</c>, <c>@to</c>).</summary>
    public void AddExactParameters(NpgsqlCommand command)
    {
        AddHostParameter(command);
        command.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, From);
        command.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, To);
    }

    private void AddHostParameter(NpgsqlCommand command) =>
        command.Parameters.AddWithValue("host_id", NpgsqlDbType.Integer, (object?)HostId ?? DBNull.Value);

    private static DateTime Floor(DateTime time, TimeSpan unit) => new(time.Ticks - time.Ticks % unit.Ticks, DateTimeKind.Utc);

    private static DateTime Ceiling(DateTime time, TimeSpan unit) => time.Ticks % unit.Ticks == 0 ? time : Floor(time, unit) + unit;
}

/// <summary>Turns a <see cref="TimeRange"/> into a <see cref="ReadRange"/>, or into the reasons it cannot be one.</summary>
internal sealed class ReadRanges(DashboardDb db)
{
    private const string NoSuchHost = "no host has this name (GET /api/v1/hosts lists them)";

    public async Task<(ReadRange? Range, Dictionary<string, string[]>? Errors)> ResolveAsync(TimeRange range, CancellationToken ct)
    {
        Dictionary<string, string[]> errors = [];
        var (from, to) = (range.From, range.To);
        if (from < ReadRange.Earliest || to > ReadRange.Latest)
        {
            errors[from < ReadRange.Earliest ? "from" : "to"] = ["must be between 1970-01-01 and 9999-01-01"];
        }
        else if (from >= to)
        {
            errors["from"] = ["must be before to"];
        }
        else if (to - from > ReadRange.MaxSpan)
        {
            errors["from"] = [$"the range may span at most {ReadRange.MaxSpan.TotalDays} days"];
        }
        int? hostId = null;
        // A host name is at most 253 characters, without control characters (PostgreSQL text holds no NUL).
        if (range.Host is { } host && (host.Length > 253 || host.Any(char.IsControl)))
        {
            errors["host"] = [NoSuchHost];
        }
        else if (range.Host is { } name)
        {
            hostId = await db.Hosts.Where(h => h.Name == name).Select(h => (int?)h.Id).FirstOrDefaultAsync(ct);
            if (hostId is null)
            {
                errors["host"] = [NoSuchHost];
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new ReadRange(from.UtcDateTime, to.UtcDateTime, hostId, ReadRange.StepFor(to - from)), null);
    }
}
