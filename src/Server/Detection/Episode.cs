using System.Net;

namespace Dashboard.Server.Detection;

/// <summary>New data of one host, from <paramref name="From"/> to <paramref name="To"/> (both included).</summary>
internal readonly record struct ChangedSpan(int HostId, DateTime From, DateTime To);

/// <summary>What an alert is about: a rule at a host, and the address (and request shape) when the rule is about addresses.</summary>
internal readonly record struct AlertSubject(string Rule, int HostId, IPAddress? Ip, short? Shape);

/// <summary>One run of a rule's condition holding, as computed from the data: from when it first held to when it last did.</summary>
internal sealed record Episode(AlertSubject Subject, DateTime StartsAt, DateTime LastHeldAt, string Severity);

/// <summary>Groups the times a condition held into episodes: times closer than the gap are one episode.</summary>
internal static class Runs
{
    public static IEnumerable<Episode> Of<T>(IEnumerable<T> held, Func<T, AlertSubject> subject, Func<T, DateTime> time, Func<T, string> severity, TimeSpan gap)
    {
        foreach (var group in held.GroupBy(subject))
        {
            Episode? current = null;
            foreach (var item in group.OrderBy(time))
            {
                var at = time(item);
                var itemSeverity = severity(item);
                if (current is not null && at - current.LastHeldAt <= gap)
                {
                    current = current with
                    {
                        LastHeldAt = at,
                        Severity = Shared.AlertSeverities.Rank(itemSeverity) > Shared.AlertSeverities.Rank(current.Severity) ? itemSeverity : current.Severity,
                    };
                    continue;
                }
                if (current is not null)
                {
                    yield return current;
                }
                current = new Episode(group.Key, at, at, itemSeverity);
            }
            if (current is not null)
            {
                yield return current;
            }
        }
    }
}

/// <summary>A detection rule: finds where its condition holds in new data, and describes an alert it raised.</summary>
internal interface IDetectionRule
{
    string Name { get; }

    /// <summary>Times the condition held closer than this are one episode, one alert.</summary>
    TimeSpan Gap { get; }

    /// <summary>The times a condition is recomputed for when <paramref name="span"/> changed (windows ending after new data include it).</summary>
    (DateTime From, DateTime To) Recomputes(ChangedSpan span);

    /// <summary>The episodes in the recomputed times of every span, found with a few set-based queries for all of them.</summary>
    Task<List<Episode>> FindAsync(Npgsql.NpgsqlConnection connection, IReadOnlyList<ChangedSpan> spans, CancellationToken ct);

    /// <summary>The summary and evidence of an alert of this rule, over its whole time.</summary>
    Task<(string Summary, Shared.AlertEvidence Evidence)> DescribeAsync(Npgsql.NpgsqlConnection connection, AlertSubject subject, DateTime startsAt, DateTime lastHeldAt, CancellationToken ct);
}
