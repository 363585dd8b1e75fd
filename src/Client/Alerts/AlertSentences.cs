using System.Globalization;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Alerts;

/// <summary>
/// One line of the overview's alert bar: what is happening at one address of one host (or at a host), in one
/// sentence. <paramref name="Text"/> follows "<c>{Ip} on {Host}: </c>" (or "<c>{Host}: </c>"), which the bar
/// writes as links. Every part may come from log lines: it is shown as text.
/// </summary>
public sealed record AlertSentence(string Severity, string Host, string? Ip, string Text);

/// <summary>
/// Says what the alerts of a view mean, an address at a time: "202.215.15.8 on hoge: Range-header DoS pattern
/// since 12:10, 452 requests; memory runs out in about 9 min". A host's memory and OOM-kill alerts join the
/// sentence of their first suspect when it has one, so that cause and effect are read together.
/// </summary>
public static class AlertSentences
{
    /// <summary>Warnings and critical alerts are told; info (a surge above the floor) is left to the Alerts page.</summary>
    public static bool IsTold(AlertItem alert) => AlertSeverities.Rank(alert.Severity) >= AlertSeverities.Rank(AlertSeverities.Warning);

    /// <param name="to">The end of the view: times on its day are written without their date.</param>
    public static IReadOnlyList<AlertSentence> For(IEnumerable<AlertItem> alerts, DisplayZone zone, DateTimeOffset to)
    {
        var told = alerts.Where(IsTold).OrderBy(a => a.StartsAt).ThenBy(a => a.Id).ToList();
        List<Subject> subjects = [];
        foreach (var alert in told.Where(a => a.Ip is not null))
        {
            var subject = subjects.Find(s => s.Host == alert.Host && s.Ip == alert.Ip);
            if (subject is null)
            {
                subjects.Add(subject = new Subject(alert.Host, alert.Ip));
            }
            subject.Alerts.Add(alert);
        }
        foreach (var alert in told.Where(a => a.Ip is null))
        {
            var suspect = alert.Evidence.Suspects?.Select(s => subjects.Find(x => x.Host == alert.Host && x.Ip == s.Ip)).FirstOrDefault(s => s is not null);
            var subject = suspect ?? subjects.Find(s => s.Host == alert.Host && s.Ip is null);
            if (subject is null)
            {
                subjects.Add(subject = new Subject(alert.Host, null));
            }
            subject.Alerts.Add(alert);
        }
        return [.. subjects
            .Select(s => new AlertSentence(MostSevere(s.Alerts), s.Host, s.Ip, Describe(s.Alerts, zone, to)))
            .OrderByDescending(s => AlertSeverities.Rank(s.Severity))];
    }

    /// <summary>A time of the day as the bar writes it: "12:10", with its date when not on the day the view ends.</summary>
    public static string Clock(DateTimeOffset time, DisplayZone zone, DateTimeOffset to)
    {
        var local = zone.ToLocal(time);
        var format = local.Date == zone.ToLocal(to).Date ? "HH:mm" : "MM-dd HH:mm";
        return local.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>"Range-header DoS pattern" for "Range-header DoS pattern, CVE-2011-3192": what a badge has room for.</summary>
    public static string ShortName(AlertItem alert) => alert.Rule switch
    {
        AlertRules.RequestShape when alert.Evidence.Label is { } label => label.Split(',')[0],
        AlertRules.RequestShape => "attack pattern",
        AlertRules.Surge => "surge",
        AlertRules.MemoryExhaustion => "memory running out",
        AlertRules.OomKill => "OOM kills",
        _ => alert.Rule,
    };

    private static string MostSevere(List<AlertItem> alerts) => alerts.MaxBy(a => AlertSeverities.Rank(a.Severity))!.Severity;

    private static string Describe(List<AlertItem> alerts, DisplayZone zone, DateTimeOffset to)
    {
        // A surge of an address whose requests have an attack's shape adds nothing the shape does not say.
        var hasShape = alerts.Any(a => a.Rule == AlertRules.RequestShape);
        var clauses = alerts.Where(a => !(hasShape && a.Rule == AlertRules.Surge)).Select(a => Clause(a, zone, to));
        return string.Join("; ", clauses);
    }

    private static string Clause(AlertItem alert, DisplayZone zone, DateTimeOffset to)
    {
        var (start, end) = (Clock(alert.StartsAt, zone, to), alert.EndsAt is { } ended ? Clock(ended, zone, to) : null);
        var when = end is null ? $"since {start}" : end == start ? $"at {start}" : $"{start}–{end}";
        var requests = alert.Evidence.Requests is { } count ? string.Create(CultureInfo.InvariantCulture, $", {count:N0} requests") : "";
        switch (alert.Rule)
        {
            case AlertRules.RequestShape:
                return $"{alert.Evidence.Label ?? "attack pattern"} {when}{requests}";
            case AlertRules.Surge:
                return $"surge {when}{requests}";
            case AlertRules.MemoryExhaustion:
                // Firing, its summary is the forecast ("memory runs out in about 9 min"); once over, the time it held says more.
                return alert.EndsAt is null ? alert.Summary : $"memory running out {when}";
            case AlertRules.OomKill:
                var kills = alert.Evidence.Victims?.Count(v => v.Kind != HostEventKinds.OomInvoked) ?? 0;
                var what = kills switch
                {
                    0 => "the OOM killer invoked",
                    1 => "1 OOM kill",
                    _ => string.Create(CultureInfo.InvariantCulture, $"{kills} OOM kills"),
                };
                return $"{what} {when}";
            default:
                return $"{alert.Summary} {when}";
        }
    }

    private sealed record Subject(string Host, string? Ip)
    {
        public List<AlertItem> Alerts { get; } = [];
    }
}
