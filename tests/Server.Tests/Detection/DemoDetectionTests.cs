using System.Net.Http.Json;
using Dashboard.Server.Demo;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Detection;

/// <summary>The built-in incident, imported after the fact: detection raises what its operator needed to be told, at the time it held.</summary>
public sealed class DemoDetectionTests(DemoIncidentApp app) : IClassFixture<DemoIncidentApp>
{
    private static DateTimeOffset Jst(int hour, int minute, int second = 0) => DemoIncident.At(hour, minute, second);

    [Fact]
    public void The_attacker_is_raised_as_the_range_header_DoS_pattern_by_12_11_with_its_requests()
    {
        var shape = Assert.Single(app.Alerts, a => a.Rule == AlertRules.RequestShape);

        Assert.Equal(DemoIncident.Attacker, shape.Ip);
        Assert.InRange(shape.StartsAt, DemoIncident.AttackFrom.AddMinutes(-5), Jst(12, 11));
        Assert.Equal("Range-header DoS pattern, CVE-2011-3192", shape.Evidence.Label);
        Assert.InRange(shape.Evidence.Requests!.Value, DemoIncident.AttackRequestsInWindow, DemoIncident.AttackRequestsInWindow + 50);
        Assert.Contains("no user agent", shape.Evidence.Facts);
        Assert.Equal(AlertSeverities.Critical, shape.Severity);
        Assert.NotNull(shape.EndsAt);
    }

    [Fact]
    public void Memory_running_out_is_raised_before_the_first_kill_naming_the_attacker_as_suspect()
    {
        var memory = Assert.Single(app.Alerts, a => a.Rule == AlertRules.MemoryExhaustion);

        Assert.True(memory.StartsAt < DemoIncident.FirstKill.AddMinutes(-10), $"the memory alert starts at {memory.StartsAt}");
        Assert.Null(memory.Ip);
        var suspect = Assert.Single(memory.Evidence.Suspects!);
        Assert.Equal(DemoIncident.Attacker, suspect.Ip);
        Assert.Contains("100% HEAD→206", suspect.Facts);
        Assert.Contains("no user agent", suspect.Facts);
        Assert.Matches("^rose \\d+ min before memory fell$", suspect.Facts[0]);
    }

    [Fact]
    public void The_ten_kills_are_one_alert_from_the_first_kill_naming_every_victim_and_the_suspect()
    {
        var kills = Assert.Single(app.Alerts, a => a.Rule == AlertRules.OomKill);

        Assert.Equal(DemoIncident.FirstKill, kills.StartsAt);
        var killed = kills.Evidence.Victims!.Where(v => v.Kind == "oom-kill").ToList();
        Assert.Equal(DemoIncident.OomKills, killed.Count);
        Assert.Equal(("java", 1187), (killed[0].Process, killed[0].Pid!.Value));
        Assert.Equal(DemoIncident.LastKill, killed[^1].Time);
        Assert.StartsWith("10 OOM kills: java 1187, httpd 12921", kills.Summary, StringComparison.Ordinal);
        Assert.Equal(DemoIncident.Attacker, Assert.Single(kills.Evidence.Suspects!).Ip);
    }

    [Fact]
    public void The_attackers_climb_from_nothing_into_the_top_talkers_is_a_surge()
    {
        var surge = Assert.Single(app.Alerts, a => a.Rule == AlertRules.Surge);

        Assert.Equal(DemoIncident.Attacker, surge.Ip);
        Assert.Contains("not seen in the day before", surge.Evidence.Facts);
        Assert.True(surge.StartsAt < DemoIncident.AttackTo);
    }
}

/// <summary>A server with the incident imported whole, and the alerts detection raised for it.</summary>
public sealed class DemoIncidentApp : DashboardApp
{
    public List<AlertItem> Alerts { get; private set; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var client = CreateClient();
        var loader = new DemoLoader(client, (await DemoLoader.IssueIngestTokenAsync(Services, CancellationToken.None)).Token);
        await loader.LoadAsync(DemoBatches.All(DemoIncident.Create()), CancellationToken.None);
        Alerts = await AlertsReading.CaughtUpAsync(this, DemoIncident.HostName, DemoIncident.Start, DemoIncident.End);
    }
}
