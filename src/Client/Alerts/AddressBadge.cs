using Dashboard.Shared;

namespace Dashboard.Client.Alerts;

/// <summary>
/// What the table of addresses says of a flagged one, in a word: its most severe alert ("Range-header DoS
/// pattern", "surge"), or "suspect" when a memory or OOM-kill alert names it; every summary in its title.
/// </summary>
/// <param name="Severity">The alert's severity, or <c>suspect</c>.</param>
public sealed record AddressBadge(string Text, string Severity, string Title)
{
    public const string Suspect = "suspect";

    public static Dictionary<string, AddressBadge> For(IEnumerable<AlertItem> alerts)
    {
        var list = alerts.ToList();
        Dictionary<string, AddressBadge> badges = [];
        foreach (var about in list.Where(a => a.Ip is not null).GroupBy(a => a.Ip!))
        {
            var worst = about.OrderByDescending(a => AlertSeverities.Rank(a.Severity)).ThenBy(a => a.Rule == AlertRules.Surge).First();
            badges[about.Key] = new AddressBadge(AlertSentences.ShortName(worst), worst.Severity, string.Join("\n", about.Select(a => a.Summary).Distinct()));
        }
        foreach (var alert in list.Where(a => a.Ip is null))
        {
            foreach (var suspect in alert.Evidence.Suspects ?? [])
            {
                badges.TryAdd(suspect.Ip, new AddressBadge(Suspect, Suspect, $"suspected of {AlertSentences.ShortName(alert)} on {alert.Host}: {string.Join(", ", suspect.Facts)}"));
            }
        }
        return badges;
    }
}
