using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Demo;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Demo;

/// <summary>The server with the demo loaded through its own ingest API, as the <c>demo</c> command loads it.</summary>
public sealed class DemoApp : DashboardApp
{
    public string ReadToken { get; private set; } = "";
    internal DemoLoadResult Loaded { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var token = (await DemoLoader.IssueIngestTokenAsync(Services, CancellationToken.None)).Token;
        using var client = CreateClient();
        Loaded = await new DemoLoader(client, token).LoadAsync(DemoBatches.All(DemoIncident.Create()), CancellationToken.None);
        ReadToken = await AddReaderAsync();
    }

    public async Task<T> GetAsync<T>(string path)
    {
        using var client = ClientWithToken(ReadToken);
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}

public sealed class DemoLoadTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string AttackWindow = "from=2015-08-17T12:10:00%2B09:00&to=2015-08-17T12:20:00%2B09:00";
    private const string Overview = "host=hoge&from=2015-08-17T11:50:00%2B09:00&to=2015-08-17T12:50:00%2B09:00";
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    [Fact]
    public void Every_line_and_sample_is_accepted()
    {
        var incident = DemoIncident.Create();

        Assert.Equal(incident.Access.Count + incident.Syslog.Count + incident.Memory.Count, app.Loaded.Accepted);
        Assert.Equal(0, app.Loaded.Rejected);
    }

    [Fact]
    public async Task The_drill_down_counts_452_requests_from_the_attacker_between_12_10_and_12_20()
    {
        var detail = await app.GetAsync<IpDetail>($"/api/v1/ips/{DemoIncident.Attacker}?{AttackWindow}");

        Assert.Equal(452, detail.Requests);
        Assert.Equal(new Dictionary<string, long> { ["206"] = 452 }, detail.Statuses);
        Assert.Equal(new Dictionary<string, long> { ["HEAD"] = 452 }, detail.Methods);
        Assert.Equal([new HostCount("hoge", 452)], detail.Hosts);
        Assert.Equal("/", Assert.Single(detail.TopPaths).Path);
    }

    [Fact]
    public async Task The_attacker_is_the_top_ip_of_12_00_to_12_30()
    {
        var ips = await app.GetAsync<List<IpSummary>>("/api/v1/ips?host=hoge&from=2015-08-17T12:00:00%2B09:00&to=2015-08-17T12:30:00%2B09:00");

        Assert.Equal(DemoIncident.Attacker, ips[0].Ip);
        Assert.True(ips[0].Requests > 3 * ips[1].Requests, $"{ips[0].Requests} against {ips[1].Ip}'s {ips[1].Requests}");
    }

    [Fact]
    public async Task The_overview_shows_the_attacker_s_band_swelling_over_the_background()
    {
        var traffic = await app.GetAsync<TrafficResponse>($"/api/v1/traffic?{Overview}");

        Assert.Equal(60, traffic.StepSeconds);
        var attacker = traffic.Series[0];
        Assert.Equal(DemoIncident.Attacker, attacker.Ip);
        var minute = (int)(new DateTimeOffset(2015, 8, 17, 12, 18, 0, Jst) - traffic.Buckets[0]).TotalMinutes;
        Assert.True(attacker.Counts[minute] > 2 * (traffic.Total[minute] - attacker.Counts[minute]), "at its peak the attacker outnumbers everyone else");
        Assert.Equal(0, attacker.Counts.Take(15).Sum());
        Assert.True(traffic.Total.Take(15).All(c => c > 0), "background visitors all along");
    }

    [Fact]
    public async Task The_events_are_the_incident_s_own_ten_kills_and_nothing_more()
    {
        var events = await app.GetAsync<List<HostEventItem>>("/api/v1/events?host=hoge&from=2015-08-17T00:00:00%2B09:00&to=2015-08-18T00:00:00%2B09:00");

        var kills = events.Where(e => e.Kind == "oom-kill").ToList();
        Assert.Equal(
            [
                (At(12, 31, 33), 1187, "java", 89), (At(12, 31, 55), 12921, "httpd", 26), (At(12, 32, 5), 29707, "httpd", 25),
                (At(12, 32, 16), 12924, "httpd", 24), (At(12, 32, 28), 18440, "httpd", 24), (At(12, 32, 42), 12922, "httpd", 23),
                (At(12, 32, 54), 29706, "httpd", 23), (At(12, 33, 12), 12920, "httpd", 22), (At(12, 33, 21), 12926, "httpd", 22),
                (At(12, 33, 41), 29705, "httpd", 22),
            ],
            kills.Select(k => (k.Time, k.Pid!.Value, k.Process!, k.Score!.Value)));
        Assert.All(kills, k => Assert.NotNull(k.AnonRssKb));
        Assert.All(kills, k => Assert.Equal("hoge", k.Host));
        Assert.Equal(3, events.Count(e => e.Kind == "oom-invoked"));
        Assert.Equal(13, events.Count);
    }

    private static DateTimeOffset At(int hour, int minute, int second) => new(2015, 8, 17, hour, minute, second, Jst);

    [Fact]
    public async Task Memory_available_falls_toward_the_kills_and_recovers_after()
    {
        var memory = await app.GetAsync<List<MemoryPoint>>($"/api/v1/memory?{Overview}");

        // Each minute's lowest reading.
        MemoryPoint At(int hour, int minute)
        {
            var from = new DateTimeOffset(2015, 8, 17, hour, minute, 0, Jst);
            return memory.Single(m => m.Time >= from && m.Time < from.AddMinutes(1));
        }
        long AvailableAt(int hour, int minute) => At(hour, minute).MemAvailableKb!.Value;
        long SwapFreeAt(int hour, int minute) => At(hour, minute).SwapFreeKb!.Value;
        var before = AvailableAt(11, 55);
        Assert.True(AvailableAt(12, 10) > AvailableAt(12, 15) && AvailableAt(12, 15) > AvailableAt(12, 20) && AvailableAt(12, 20) > AvailableAt(12, 31));
        Assert.True(AvailableAt(12, 31) < before / 10, $"{AvailableAt(12, 31)} kB left of {before}");
        Assert.True(SwapFreeAt(12, 31) < SwapFreeAt(11, 55) / 50, "swap is gone by the kills");
        Assert.True(AvailableAt(12, 45) > before * 3 / 4, "recovered after the kills");
        Assert.True(SwapFreeAt(12, 45) > SwapFreeAt(11, 55) / 2);
    }

    [Fact]
    public async Task The_host_is_hoge_in_tokyo()
    {
        var hosts = await app.GetAsync<List<HostInfo>>("/api/v1/hosts");

        var host = Assert.Single(hosts);
        Assert.Equal(("hoge", "Asia/Tokyo", "combined"), (host.Name, host.TimeZone, host.LogFormat));
    }
}
