using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Detection;

/// <summary>
/// A busy but healthy site raises nothing: a crawler all day, an office behind NAT, an uptime monitor's
/// HEADs, a media-heavy page, a download manager's parallel ranges, a polling app, and visitors, with
/// memory that breathes but does not run out. Several seeds, each its own host.
/// </summary>
public sealed class FalseAlarmTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset From = new(2015, 8, 17, 6, 0, 0, TimeSpan.FromHours(9));
    private static readonly TimeSpan Length = TimeSpan.FromHours(6);

    [Theory]
    [InlineData(11)]
    [InlineData(2015)]
    [InlineData(31337)]
    public async Task A_busy_healthy_site_raises_no_warning_and_no_critical_alert(int seed)
    {
        var host = $"healthy-{seed}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host, "Asia/Tokyo"));
        var random = new Random(seed);
        var lines = HealthyTraffic.Crawler(random, From, Length)
            .Concat(HealthyTraffic.Office(random, From.AddHours(2), TimeSpan.FromHours(4)))
            .Concat(HealthyTraffic.UptimeMonitor(From, Length))
            .Concat(HealthyTraffic.PollingApp(From, Length))
            .Concat(HealthyTraffic.Visitors(random, From, Length))
            .Concat(Enumerable.Range(0, 5).SelectMany(i => HealthyTraffic.MediaPage(random, From.AddHours(1.5 + i * 0.8))))
            .Concat(HealthyTraffic.DownloadManager(random, From.AddHours(3.2)))
            .OrderBy(l => l.Time)
            .Select(l => l.Text)
            .ToList();
        foreach (var batch in lines.Chunk(20_000))
        {
            Assert.Equal(0, (await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(batch)))).Rejected);
        }
        await MemorySamples.PostAsync(client, BreathingMemory(random));

        var alerts = await AlertsReading.CaughtUpAsync(app, host, From, From + Length);

        Assert.Empty(alerts.Where(a => a.Severity is AlertSeverities.Warning or AlertSeverities.Critical)
            .Select(a => $"{a.Severity} {a.Rule} {a.Ip} {a.StartsAt}: {a.Summary}"));
    }

    // 4 GB of memory and 2 GB of swap; the page cache grows and is reclaimed by the hour, a cron job takes 600 MB for ten minutes.
    private static IEnumerable<(DateTimeOffset Time, long AvailableKb, long SwapFreeKb)> BreathingMemory(Random random)
    {
        for (var time = From; time < From + Length; time = time.AddSeconds(10))
        {
            var minutes = (time - From).TotalMinutes;
            var cron = minutes % 60 is > 30 and < 40 ? 600_000 : 0;
            yield return (time, 2_400_000 + (long)(400_000 * Math.Sin(minutes / 60 * 2 * Math.PI)) - cron + random.Next(-30_000, 30_000), 2_000_000);
        }
    }
}
