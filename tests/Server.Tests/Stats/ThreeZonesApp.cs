using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Stats;

/// <summary>
/// Three hosts in three zones, their logs shipped with local offsets, between 03:00 and 04:00 UTC on
/// 17 Aug 2015. One address attacks two of them; the expected counts are kept from the generated lines
/// (what grep | wc -l would say), never from the server.
/// </summary>
public sealed class ThreeZonesApp : DashboardApp
{
    public const string Attacker = "203.0.113.66";
    public static readonly DateTimeOffset Start = new(2015, 8, 17, 3, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Tokyo = TimeSpan.FromHours(9), NewYork = TimeSpan.FromHours(-4), London = TimeSpan.FromHours(1);

    public string ReadToken { get; private set; } = "";
    public string TokyoIngestToken { get; private set; } = "";

    /// <summary>Every generated request: host, client, UTC time, method, status.</summary>
    public List<(string Host, string Ip, DateTimeOffset Time, string Method, int Status)> Requests { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TokyoIngestToken = await AddHostAsync("tokyo", "Asia/Tokyo");
        var newYork = await AddHostAsync("newyork", "America/New_York");
        var london = await AddHostAsync("london", "Europe/London");
        ReadToken = await AddReaderAsync();

        // The attack: 452 HEAD requests answered 206 on tokyo between 03:10 and 03:20 UTC, 100 on newyork.
        for (var i = 0; i < 452; i++)
        {
            Add("tokyo", Attacker, Start.AddMinutes(10).AddSeconds(i * 600.0 / 452), "HEAD", 206);
        }
        for (var i = 0; i < 100; i++)
        {
            Add("newyork", Attacker, Start.AddMinutes(15).AddSeconds(i * 3), "HEAD", 206);
        }
        // Background: a few visitors per host, some errors, one IPv6 client.
        var random = new Random(2015);
        string[] visitors = ["192.0.2.1", "192.0.2.2", "198.51.100.7", "2001:db8::42"];
        foreach (var host in new[] { "tokyo", "newyork", "london" })
        {
            for (var i = 0; i < 240; i++)
            {
                var status = i % 40 == 0 ? 500 : i % 10 == 0 ? 404 : 200;
                Add(host, visitors[random.Next(visitors.Length)], Start.AddSeconds(random.Next(3600)), "GET", status);
            }
        }

        await ShipAccessAsync(TokyoIngestToken, "tokyo", Tokyo);
        await ShipAccessAsync(newYork, "newyork", NewYork);
        await ShipAccessAsync(london, "london", London);
        await ShipSyslogAsync(TokyoIngestToken, "Aug 17 12:31:33 tokyo kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child\n"
            + "Aug 17 12:31:33 tokyo kernel: Killed process 12921, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:120kB\n");
        await ShipSyslogAsync(newYork, "Aug 16 23:40:00 newyork kernel: Out of memory: Killed process 777 (java) total-vm:2000000kB, anon-rss:1500000kB, file-rss:0kB, shmem-rss:0kB\n");
        await ShipSyslogAsync(london, "Aug 17 04:05:00 london kernel: httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0\n");
        foreach (var (token, minute) in new[] { (TokyoIngestToken, 5), (newYork, 20), (london, 35) })
        {
            await ShipMemoryAsync(token, Start.AddMinutes(minute));
        }
    }

    private void Add(string host, string ip, DateTimeOffset time, string method, int status) =>
        Requests.Add((host, ip, new DateTimeOffset(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero), method, status));

    private async Task ShipAccessAsync(string token, string host, TimeSpan offset)
    {
        using var client = ClientWithToken(token);
        var lines = Requests.Where(r => r.Host == host).OrderBy(r => r.Time)
            .Select(r => ApacheLines.Combined(r.Ip, r.Time.ToOffset(offset), method: r.Method, status: r.Status, path: $"/page/{r.Status}"));
        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(lines)));
        Assert.Equal(0, answer.Rejected);
    }

    private async Task ShipSyslogAsync(string token, string lines)
    {
        using var client = ClientWithToken(token);
        var response = await client.PostAsync(new Uri("/api/v1/ingest/syslog", UriKind.Relative), HttpBodies.Text(lines));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task ShipMemoryAsync(string token, DateTimeOffset time)
    {
        using var client = ClientWithToken(token);
        var sample = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$"""{"time":"{{time:yyyy-MM-dd'T'HH:mm:ss'Z'}}","memTotalKb":4000000,"memAvailableKb":100000,"swapTotalKb":2000000,"swapFreeKb":50000}""");
        var response = await client.PostAsync(new Uri("/api/v1/ingest/meminfo", UriKind.Relative), HttpBodies.Text(sample, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
