using Dashboard.Shared;

namespace Dashboard.Client.Tests.Alerts;

/// <summary>Alerts as the server raises them for the demo incident (17 August 2015, host hoge, JST = UTC+9).</summary>
internal static class DemoAlerts
{
    public const string Attacker = "202.215.15.8";

    public static DateTimeOffset Jst(int hour, int minute, int second = 0) => new(2015, 8, 17, hour, minute, second, TimeSpan.FromHours(9));

    public static readonly AlertSuspect AttackerSuspect =
        new(Attacker, 0.93, ["rose 21 min before memory fell", "100% HEAD→206", "no user agent"]);

    public static AlertItem Shape(DateTimeOffset? endsAt = null, string summary = "202.215.15.8: Range-header DoS pattern, CVE-2011-3192, 452 requests") =>
        new(1, AlertRules.RequestShape, AlertSeverities.Critical, "hoge", Attacker, Jst(12, 10, 4), endsAt, summary,
            new AlertEvidence(["100% of its requests were HEAD answered 206", "no user agent", "one path, over and over"],
                Label: "Range-header DoS pattern, CVE-2011-3192", Requests: 452));

    public static AlertItem Surge() =>
        new(2, AlertRules.Surge, AlertSeverities.Warning, "hoge", Attacker, Jst(12, 12), Jst(12, 21), "202.215.15.8: surge of 452 requests",
            new AlertEvidence(["up to 64 requests a minute", "not seen in the day before"], Requests: 452));

    public static AlertItem Memory(DateTimeOffset? endsAt = null) =>
        new(3, AlertRules.MemoryExhaustion, AlertSeverities.Critical, "hoge", null, Jst(12, 21, 30), endsAt, "memory runs out in about 9 min",
            new AlertEvidence(["1,020 of 4,096 MB memory and swap left", "falling 110 MB a minute"], MinutesLeft: 9.3, Suspects: [AttackerSuspect]));

    public static AlertItem Kills() =>
        new(4, AlertRules.OomKill, AlertSeverities.Critical, "hoge", null, Jst(12, 31, 33), Jst(12, 33, 41), "2 OOM kills: java 1187, httpd 12921",
            new AlertEvidence([], Suspects: [AttackerSuspect],
                Victims: [new(Jst(12, 31, 33), HostEventKinds.OomKill, 1187, "java"), new(Jst(12, 31, 55), HostEventKinds.OomKill, 12921, "httpd")]));
}
