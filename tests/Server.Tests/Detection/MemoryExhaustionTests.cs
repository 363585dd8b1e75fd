using System.Globalization;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Detection;

/// <summary>
/// Memory and swap draining at a steady rate are forecast to run out, from a CentOS 6 meminfo text
/// (no MemAvailable: what is available is derived) and from a modern kernel's JSON sample alike; memory
/// that stays level raises nothing.
/// </summary>
public sealed class MemoryExhaustionTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset From = new(2015, 8, 17, 11, 0, 0, TimeSpan.FromHours(9));

    // An hour level at 2.4 GB left of 6 GB, then 100 MB a minute gone: memory and swap run out 24 minutes into the fall.
    private static readonly DateTimeOffset FallStarts = From.AddHours(1);
    private static readonly DateTimeOffset RunsOut = FallStarts.AddMinutes(24);
    private const long LevelLeftKb = 2_400_000;
    private const long FallKbPerMinute = 100_000;

    public enum Form { CentOs6Text, ModernJson }

    [Theory]
    [InlineData(Form.CentOs6Text)]
    [InlineData(Form.ModernJson)]
    public async Task Memory_running_out_is_forecast_with_the_time_left_before_it_runs_out(Form form)
    {
        var host = $"draining-{form}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host, "Asia/Tokyo"));
        await PostAsync(client, form, Samples(until: RunsOut.AddMinutes(-2), draining: true));

        var alert = Assert.Single(await AlertsReading.CaughtUpAsync(app, host, From, RunsOut), a => a.Rule == AlertRules.MemoryExhaustion);

        // Within the 15-minute horizon, and once the fall is clear of the fit window's noise.
        var warnedAhead = RunsOut - alert.StartsAt;
        Assert.InRange(warnedAhead, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15.5));
        Assert.Null(alert.Ip);
        Assert.Equal(AlertSeverities.Critical, alert.Severity);
        Assert.NotNull(alert.Evidence.MinutesLeft);
        // The latest forecast, two minutes before the end, says about two minutes.
        Assert.InRange(alert.Evidence.MinutesLeft!.Value, 1, 3.5);
        Assert.Contains(alert.Evidence.Facts, f => f is "falling 96 MB a minute" or "falling 97 MB a minute" or "falling 98 MB a minute" or "falling 99 MB a minute");
        Assert.Matches("^memory runs out in about [1-4] min$", alert.Summary);
    }

    [Theory]
    [InlineData(Form.CentOs6Text)]
    [InlineData(Form.ModernJson)]
    public async Task Memory_that_stays_level_raises_nothing(Form form)
    {
        var host = $"level-{form}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host, "Asia/Tokyo"));
        await PostAsync(client, form, Samples(until: RunsOut, draining: false));

        Assert.Empty(await AlertsReading.CaughtUpAsync(app, host, From, RunsOut));
    }

    private static IEnumerable<(DateTimeOffset Time, long LeftKb)> Samples(DateTimeOffset until, bool draining)
    {
        var jitter = new Random(7);
        for (var time = From; time <= until; time = time.AddSeconds(10))
        {
            var fallen = draining && time > FallStarts ? (long)((time - FallStarts).TotalMinutes * FallKbPerMinute) : 0;
            yield return (time, LevelLeftKb - fallen + jitter.Next(-20_000, 20_000));
        }
    }

    // Swap is used first: the first 2 GB of what is left is swap, the rest memory.
    private static async Task PostAsync(HttpClient client, Form form, IEnumerable<(DateTimeOffset Time, long LeftKb)> samples)
    {
        var split = samples.Select(s => (s.Time, AvailableKb: Math.Max(0, s.LeftKb - MemorySamples.SwapTotalKb), SwapFreeKb: Math.Clamp(s.LeftKb, 0, MemorySamples.SwapTotalKb)));
        if (form == Form.ModernJson)
        {
            await MemorySamples.PostAsync(client, split);
            return;
        }
        foreach (var (time, available, swapFree) in split)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/meminfo") { Content = HttpBodies.Text(CentOs6Meminfo(available, swapFree), "text/plain") };
            request.Headers.Add("X-Sample-Time", time.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));
            Assert.Equal(0, (await IngestAnswer.ReadAsync(await client.SendAsync(request))).Rejected);
        }
    }

    // /proc/meminfo of a 2.6.32 kernel: no MemAvailable; what is available is MemFree + Buffers + Cached.
    private static string CentOs6Meminfo(long availableKb, long swapFreeKb)
    {
        var buffers = availableKb / 10;
        var cached = availableKb / 2;
        var free = availableKb - buffers - cached;
        return string.Create(CultureInfo.InvariantCulture, $"""
            MemTotal:        {MemorySamples.MemTotalKb} kB
            MemFree:         {free} kB
            Buffers:         {buffers} kB
            Cached:          {cached} kB
            SwapCached:        12044 kB
            Active:          2811336 kB
            Inactive:         512816 kB
            Active(anon):    2610204 kB
            Inactive(anon):   300476 kB
            Mlocked:               0 kB
            SwapTotal:       {MemorySamples.SwapTotalKb} kB
            SwapFree:        {swapFreeKb} kB
            Dirty:               244 kB
            AnonPages:       2908244 kB
            Shmem:              2604 kB
            Slab:              86392 kB
            CommitLimit:     4000000 kB
            Committed_AS:    6211340 kB
            VmallocTotal:   34359738367 kB
            HugePages_Total:       0
            Hugepagesize:       2048 kB

            """);
    }
}
