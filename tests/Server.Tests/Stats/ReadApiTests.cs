using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Stats;

public sealed class ReadApiTests(ThreeZonesApp app) : IClassFixture<ThreeZonesApp>
{
    private static readonly string Hour = Range(ThreeZonesApp.Start, ThreeZonesApp.Start.AddHours(1));

    private static string Range(DateTimeOffset from, DateTimeOffset to) =>
        $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

    private async Task<T> GetAsync<T>(string path)
    {
        using var client = app.ClientWithToken(app.ReadToken);
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    [Fact]
    public async Task Hosts_lists_every_host_with_its_zone()
    {
        var hosts = await GetAsync<List<HostInfo>>("/api/v1/hosts");

        Assert.Equal(["london", "newyork", "tokyo"], hosts.Select(h => h.Name));
        Assert.Equal("Asia/Tokyo", hosts.Single(h => h.Name == "tokyo").TimeZone);
        Assert.All(hosts, h => Assert.NotNull(h.LastSeen));
    }

    [Fact]
    public async Task Ips_counts_each_address_as_grep_would_across_hosts_and_zones()
    {
        var ips = await GetAsync<List<IpSummary>>($"/api/v1/ips?{Hour}");

        var expected = app.Requests.GroupBy(r => r.Ip).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderByDescending(e => e.Value).Select(e => e.Key).First(), ips[0].Ip);
        Assert.Equal(expected, ips.ToDictionary(i => i.Ip, i => i.Requests));
        var attacker = ips.Single(i => i.Ip == ThreeZonesApp.Attacker);
        Assert.Equal(552, attacker.Requests);
        Assert.Equal(ThreeZonesApp.Start.AddMinutes(10), attacker.FirstSeen);
        Assert.Equal(app.Requests.Where(r => r.Ip == ThreeZonesApp.Attacker).Max(r => r.Time), attacker.LastSeen);
        var perMinute = app.Requests.Where(r => r.Ip == ThreeZonesApp.Attacker).GroupBy(r => r.Time.Ticks / TimeSpan.TicksPerMinute).Max(g => g.Count());
        Assert.Equal(perMinute, attacker.PeakPerMinute);
        var visitor = ips.Single(i => i.Ip == "192.0.2.1");
        Assert.Equal(app.Requests.Count(r => r.Ip == "192.0.2.1" && r.Status is >= 400 and < 500), visitor.Status4xx);
        Assert.Equal(app.Requests.Count(r => r.Ip == "192.0.2.1" && r.Status >= 500), visitor.Status5xx);
    }

    [Fact]
    public async Task The_same_range_written_in_another_offset_gives_the_same_answer()
    {
        var utc = await GetAsync<List<IpSummary>>($"/api/v1/ips?{Hour}");
        var tokyo = await GetAsync<List<IpSummary>>(
            $"/api/v1/ips?{Range(ThreeZonesApp.Start.ToOffset(ThreeZonesApp.Tokyo), ThreeZonesApp.Start.AddHours(1).ToOffset(ThreeZonesApp.NewYork))}");

        Assert.Equal(utc, tokyo);
    }

    [Fact]
    public async Task Sparklines_slice_each_addresss_requests_over_the_range_short_or_long()
    {
        var hour = await GetAsync<List<IpSummary>>($"/api/v1/ips?{Hour}&sparklines=1");
        var day = await GetAsync<List<IpSummary>>($"/api/v1/ips?{Range(ThreeZonesApp.Start.AddHours(-20), ThreeZonesApp.Start.AddHours(4))}&sparklines=1");

        var attacker = hour.Single(i => i.Ip == ThreeZonesApp.Attacker).Sparkline!;
        Assert.Equal(30, attacker.Count);
        Assert.Equal(552, attacker.Sum());
        // Two-minute slices: the attack runs from 03:10 to 03:20, slices 5 to 9.
        Assert.All(attacker.Select((count, slice) => (count, slice)), s => Assert.Equal(s.slice is >= 5 and <= 9, s.count > 0));
        Assert.All(day, i => Assert.Equal(i.Requests, i.Sparkline!.Sum()));
        Assert.Null((await GetAsync<List<IpSummary>>($"/api/v1/ips?{Hour}"))[0].Sparkline);
    }

    [Fact]
    public async Task Ips_of_one_host_counts_only_that_host()
    {
        var ips = await GetAsync<List<IpSummary>>($"/api/v1/ips?{Hour}&host=newyork&limit=2");

        Assert.Equal(2, ips.Count);
        Assert.Equal(ThreeZonesApp.Attacker, ips[0].Ip);
        Assert.Equal(100, ips[0].Requests);
    }

    [Fact]
    public async Task Traffic_stacks_the_top_ips_and_the_rest_into_the_total_per_minute()
    {
        var traffic = await GetAsync<TrafficResponse>($"/api/v1/traffic?{Hour}&top=2");

        Assert.Equal(60, traffic.StepSeconds);
        Assert.Equal(60, traffic.Buckets.Count);
        Assert.Equal(ThreeZonesApp.Start, traffic.Buckets[0]);
        var expectedTotal = Enumerable.Range(0, 60).Select(m => (long)app.Requests.Count(r => (int)(r.Time - ThreeZonesApp.Start).TotalMinutes == m));
        Assert.Equal(expectedTotal, traffic.Total);
        Assert.Equal(2, traffic.Series.Count);
        Assert.Equal(ThreeZonesApp.Attacker, traffic.Series[0].Ip);
        Assert.Equal(552, traffic.Series[0].Counts.Sum());
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(traffic.Total[i], traffic.Series.Sum(s => s.Counts[i]) + traffic.Other[i]);
        }
    }

    [Fact]
    public async Task A_day_of_traffic_comes_in_five_minute_buckets()
    {
        var traffic = await GetAsync<TrafficResponse>($"/api/v1/traffic?{Range(ThreeZonesApp.Start.AddHours(-20), ThreeZonesApp.Start.AddHours(4))}");

        Assert.Equal(300, traffic.StepSeconds);
        Assert.Equal(288, traffic.Buckets.Count);
        Assert.Equal(app.Requests.Count, traffic.Total.Sum());
    }

    [Fact]
    public async Task Ip_detail_adds_up_its_hosts_timeline_and_breakdowns()
    {
        var detail = await GetAsync<IpDetail>($"/api/v1/ips/{ThreeZonesApp.Attacker}?{Hour}");

        Assert.Equal(552, detail.Requests);
        Assert.Equal(552, detail.Timeline.Sum(p => p.Count));
        Assert.Equal(552, detail.BreakdownRequests);
        Assert.Equal(new Dictionary<string, long> { ["206"] = 552 }, detail.Statuses);
        Assert.Equal(new Dictionary<string, long> { ["HEAD"] = 552 }, detail.Methods);
        Assert.Equal([new HostCount("tokyo", 452), new HostCount("newyork", 100)], detail.Hosts);
        Assert.Equal("/page/206", Assert.Single(detail.TopPaths).Path);
    }

    [Fact]
    public async Task An_ip_without_requests_in_the_range_is_404()
    {
        using var client = app.ClientWithToken(app.ReadToken);

        var response = await client.GetAsync(new Uri($"/api/v1/ips/192.0.2.250?{Hour}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Requests_page_through_every_request_of_an_ip_newest_first_without_gaps_or_repeats()
    {
        List<RequestItem> all = [];
        string? next = null;
        do
        {
            var page = await GetAsync<RequestPage>($"/api/v1/ips/{ThreeZonesApp.Attacker}/requests?{Hour}&limit=100"
                + (next is null ? "" : $"&before={Uri.EscapeDataString(next)}"));
            all.AddRange(page.Items);
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal(552, all.Count);
        Assert.Equal(all.OrderByDescending(r => r.Time).Select(r => r.Time), all.Select(r => r.Time));
        var expected = app.Requests.Where(r => r.Ip == ThreeZonesApp.Attacker).Select(r => (r.Host, r.Time)).Order().ToList();
        Assert.Equal(expected, all.Select(r => (r.Host, r.Time)).Order().ToList());
        Assert.All(all, r => Assert.Equal(("HEAD", "HTTP/1.1", 206), (r.Method, r.Protocol, r.Status)));
    }

    [Fact]
    public async Task Events_from_hosts_in_three_zones_come_back_in_utc()
    {
        var events = await GetAsync<List<HostEventItem>>($"/api/v1/events?{Hour}");

        Assert.Equal(
            [
                ("london", ThreeZonesApp.Start.AddMinutes(5), "oom-invoked", "httpd"),
                ("tokyo", ThreeZonesApp.Start.AddMinutes(31).AddSeconds(33), "oom-kill", "httpd"),
                ("newyork", ThreeZonesApp.Start.AddMinutes(40), "oom-kill", "java"),
            ],
            events.Select(e => (e.Host, e.Time, e.Kind, e.Process!)));
    }

    [Fact]
    public async Task Memory_returns_each_hosts_samples()
    {
        var memory = await GetAsync<List<MemoryPoint>>($"/api/v1/memory?{Hour}");

        Assert.Equal(["tokyo", "newyork", "london"], memory.Select(m => m.Host));
        Assert.All(memory, m => Assert.Equal((4000000L, 100000L, 50000L), (m.MemTotalKb!.Value, m.MemAvailableKb!.Value, m.SwapFreeKb!.Value)));
    }

    [Theory]
    [InlineData("/api/v1/ips?from=yesterday")]
    [InlineData("/api/v1/ips?from=2015-08-17T12:00:00")]
    [InlineData("/api/v1/ips?from=2015-08-17T05:00:00Z&to=2015-08-17T04:00:00Z")]
    [InlineData("/api/v1/ips?host=nosuchhost")]
    [InlineData("/api/v1/traffic?host=a%00b")]
    [InlineData("/api/v1/ips?limit=0")]
    [InlineData("/api/v1/traffic?top=500")]
    [InlineData("/api/v1/ips/not-an-ip")]
    [InlineData("/api/v1/ips/10.1")]
    [InlineData("/api/v1/ips/192.0.2.1/requests?before=garbage")]
    public async Task Bad_queries_are_400_with_the_reason(string path)
    {
        using var client = app.ClientWithToken(app.ReadToken);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("errors", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/ips")]
    [InlineData("/api/v1/traffic")]
    [InlineData("/api/v1/ips/192.0.2.1")]
    [InlineData("/api/v1/ips/192.0.2.1/requests")]
    [InlineData("/api/v1/ips/192.0.2.1/requests.csv")]
    [InlineData("/api/v1/memory")]
    [InlineData("/api/v1/events")]
    public async Task A_range_at_the_end_of_the_calendar_is_400_with_the_reason(string path)
    {
        using var client = app.ClientWithToken(app.ReadToken);

        var lastDay = await client.GetAsync(new Uri($"{path}?from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59Z", UriKind.Relative));
        var pastTheEnd = await client.GetAsync(new Uri($"{path}?to=9999-12-31T23:59:59-12:00", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, lastDay.StatusCode);
        Assert.Contains("errors", await lastDay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, pastTheEnd.StatusCode);
    }

    [Fact]
    public async Task An_unencoded_plus_in_an_offset_is_read_as_a_plus()
    {
        var ips = await GetAsync<List<IpSummary>>("/api/v1/ips?from=2015-08-17T12:00:00+09:00&to=2015-08-17T13:00:00+09:00");

        Assert.Equal(552, ips.Single(i => i.Ip == ThreeZonesApp.Attacker).Requests);
    }

    [Fact]
    public async Task The_read_api_is_closed_without_a_read_token()
    {
        using var anonymous = app.CreateClient();
        using var ingest = app.ClientWithToken(app.TokyoIngestToken);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative))).StatusCode);
    }
}
