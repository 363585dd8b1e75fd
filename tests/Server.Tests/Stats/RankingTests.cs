using System.Net.Http.Json;
using Dashboard.Server.Stats;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Stats;

/// <summary>
/// Rankings answered from hourly leaderboards must be exactly what aggregating every request gives:
/// with heavy hitters (the proven fast path), with flat traffic (the fallback), and after late data.
/// </summary>
public sealed class RankingTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset Start = new(2015, 8, 17, 0, 0, 0, TimeSpan.Zero);
    private static readonly string ThreeHours =
        $"from={Uri.EscapeDataString(Start.ToString("O"))}&to={Uri.EscapeDataString(Start.AddHours(3).ToString("O"))}";

    private sealed record Request(string Host, string Ip, DateTimeOffset Time, int Status, long Bytes);

    /// <summary>Per hour 700 one-off visitors (more than a leaderboard lists) and a few heavy hitters.</summary>
    private static List<Request> SkewedTraffic(string host, int seed)
    {
        var random = new Random(seed);
        List<Request> requests = [];
        for (var hour = 0; hour < 3; hour++)
        {
            for (var i = 0; i < 700; i++)
            {
                requests.Add(new(host, $"10.{seed}.{(hour * 3) + (i / 250)}.{i % 250}", Start.AddHours(hour).AddSeconds(random.Next(3600)), 200, random.Next(100, 1000)));
            }
            for (var heavy = 0; heavy < 8; heavy++)
            {
                for (var i = 0; i < 40 + heavy * 25 + hour * 7; i++)
                {
                    requests.Add(new(host, $"203.0.113.{heavy + 1}", Start.AddHours(hour).AddSeconds(random.Next(3600)), i % 9 == 0 ? 404 : 206, 0));
                }
            }
        }
        return requests;
    }

    private async Task ShipAsync(string token, IEnumerable<Request> requests)
    {
        using var client = app.ClientWithToken(token);
        var lines = requests.OrderBy(r => r.Time).Select(r => ApacheLines.Combined(r.Ip, r.Time, status: r.Status, bytes: r.Bytes));
        foreach (var chunk in lines.Chunk(1000))
        {
            Assert.Equal(0, (await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(chunk)))).Rejected);
        }
    }

    private static List<(string Ip, long Requests, long Bytes, long Status4xx, long Peak)> BruteForce(IEnumerable<Request> requests, int count) =>
        [.. requests.GroupBy(r => r.Ip)
            .Select(g => (g.Key, (long)g.Count(), g.Sum(r => r.Bytes), (long)g.Count(r => r.Status is >= 400 and < 500),
                (long)g.GroupBy(r => r.Time.Ticks / TimeSpan.TicksPerMinute).Max(m => m.Count())))
            .OrderByDescending(r => r.Item2).ThenBy(r => System.Net.IPAddress.Parse(r.Key), IpOrder.Instance)
            .Take(count)];

    private async Task<List<IpSummary>> IpsAsync(string query)
    {
        using var client = app.ClientWithToken(await app.AddReaderAsync());
        return (await client.GetFromJsonAsync<List<IpSummary>>(new Uri($"/api/v1/ips?{query}", UriKind.Relative)))!;
    }

    private async Task MakeLeaderboardsAsync() =>
        await app.Services.GetRequiredService<HourLeaders>().RefreshAsync(CancellationToken.None);

    [Fact]
    public async Task Rankings_from_leaderboards_equal_aggregating_every_request_and_late_data_is_counted()
    {
        var traffic = SkewedTraffic("rank-a", 1);
        var token = await app.AddHostAsync("rank-a");
        await ShipAsync(token, traffic);
        await MakeLeaderboardsAsync();
        Assert.True(await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_hour_leaders l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'rank-a' AND l.floor > 0") >= 3);

        var ranked = await IpsAsync($"{ThreeHours}&host=rank-a&limit=8");
        Assert.Equal(BruteForce(traffic, 8), ranked.Select(r => (r.Ip, r.Requests, r.Bytes, r.Status4xx, r.PeakPerMinute)));

        // A batch arriving late for the first hour: its leaderboard is stale until the next round.
        List<Request> late = [.. Enumerable.Range(0, 400).Select(i => new Request("rank-a", "198.51.100.99", Start.AddMinutes(10).AddSeconds(i), 200, 1))];
        await ShipAsync(token, late);
        var afterLate = await IpsAsync($"{ThreeHours}&host=rank-a&limit=8");
        Assert.Equal(BruteForce([.. traffic, .. late], 8), afterLate.Select(r => (r.Ip, r.Requests, r.Bytes, r.Status4xx, r.PeakPerMinute)));
    }

    [Fact]
    public async Task Flat_traffic_that_leaderboards_cannot_rank_is_aggregated_exactly()
    {
        var random = new Random(7);
        List<Request> traffic = [.. Enumerable.Range(0, 3 * 1800).Select(i =>
            new Request("rank-flat", $"172.16.{i % 1800 / 250}.{i % 250}", Start.AddSeconds(random.Next(3 * 3600)), 200, 10))];
        await ShipAsync(await app.AddHostAsync("rank-flat"), traffic);
        await MakeLeaderboardsAsync();

        var ranked = await IpsAsync($"{ThreeHours}&host=rank-flat&limit=20");

        Assert.Equal(BruteForce(traffic, 20), ranked.Select(r => (r.Ip, r.Requests, r.Bytes, r.Status4xx, r.PeakPerMinute)));
    }

    [Fact]
    public async Task An_address_hitting_two_hosts_in_the_same_minutes_peaks_at_their_sum()
    {
        List<Request> one = [.. Enumerable.Range(0, 30).Select(i => new Request("rank-x", "198.51.100.200", Start.AddMinutes(30).AddSeconds(i), 200, 1))];
        List<Request> two = [.. Enumerable.Range(0, 20).Select(i => new Request("rank-y", "198.51.100.200", Start.AddMinutes(30).AddSeconds(i), 200, 1))];
        await ShipAsync(await app.AddHostAsync("rank-x"), one);
        await ShipAsync(await app.AddHostAsync("rank-y"), two);
        await MakeLeaderboardsAsync();

        var address = (await IpsAsync($"{ThreeHours}&limit=1000")).Single(r => r.Ip == "198.51.100.200");

        Assert.Equal((50, 50), (address.Requests, address.PeakPerMinute));
    }
}
