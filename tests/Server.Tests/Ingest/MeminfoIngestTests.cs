using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

public sealed class MeminfoIngestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri MeminfoUri = new("/api/v1/ingest/meminfo", UriKind.Relative);

    private const string ProcMeminfo = """
        MemTotal:        3924584 kB
        MemFree:          123456 kB
        MemAvailable:     234567 kB
        Buffers:            2048 kB
        Cached:            65536 kB
        SwapCached:        10000 kB
        SwapTotal:       2097148 kB
        SwapFree:         524288 kB
        """;

    [Fact]
    public async Task A_proc_meminfo_text_is_one_sample_at_X_Sample_Time()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("meminfo-text"));
        using var request = new HttpRequestMessage(HttpMethod.Post, MeminfoUri) { Content = HttpBodies.Text(ProcMeminfo) };
        request.Headers.Add("X-Sample-Time", "2015-08-17T12:30:00+09:00");

        Assert.Equal(1, (await IngestAnswer.ReadAsync(await client.SendAsync(request))).Accepted);

        var sample = await Sql.RowsAsync(app.ConnectionString,
            "SELECT m.time, m.mem_total_kb, m.mem_available_kb, m.swap_free_kb FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'meminfo-text'");
        Assert.Equal([new DateTime(2015, 8, 17, 3, 30, 0, DateTimeKind.Utc), 3924584L, 234567L, 524288L], Assert.Single(sample));
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-12:00")]
    [InlineData("1900-01-01T00:00:00Z")]
    [InlineData("2015-08-19T00:00:00Z")]
    public async Task An_X_Sample_Time_outside_the_accepted_window_is_400_with_the_reason(string time)
    {
        using var client = app.ClientWithToken(await app.AddHostAsync($"meminfo-window-{time[..4]}-{time[8..10]}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, MeminfoUri) { Content = HttpBodies.Text(ProcMeminfo) };
        request.Headers.Add("X-Sample-Time", time);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Sample-Time", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_X_Sample_Time_the_sample_is_taken_at_receipt()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("meminfo-now"));

        await IngestAnswer.ReadAsync(await client.PostAsync(MeminfoUri, HttpBodies.Text(ProcMeminfo)));

        var time = await Sql.RowsAsync(app.ConnectionString,
            "SELECT m.time FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'meminfo-now'");
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, Assert.Single(time)[0]);
    }

    [Fact]
    public async Task Json_samples_are_stored_each_at_its_own_time_and_a_bad_one_is_rejected()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("meminfo-json"));
        const string samples = """
            {"time":"2015-08-17T12:30:00+09:00","memTotalKb":3924584,"memAvailableKb":200000,"memFreeKb":100000,"cachedKb":50000,"swapTotalKb":2097148,"swapFreeKb":600000}
            {"time":"2015-08-17T12:30:10+09:00","memTotalKb":3924584,"memAvailableKb":150000,"memFreeKb":90000,"cachedKb":40000,"swapTotalKb":2097148,"swapFreeKb":400000}
            {"time":"2015-08-17T12:30:20+09:00","memTotalKb":"lots"}
            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(MeminfoUri, HttpBodies.Text(samples, "application/x-ndjson")));

        Assert.Equal((2, 1), (answer.Accepted, answer.Rejected));
        Assert.Equal(2, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'meminfo-json'"));
    }

    [Fact]
    public async Task A_text_that_is_not_meminfo_is_rejected_not_stored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("meminfo-garbage"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(MeminfoUri, HttpBodies.Text("hello world")));

        Assert.Equal((0, 1), (answer.Accepted, answer.Rejected));
    }

    [Fact]
    public async Task An_X_Sample_Time_without_offset_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("meminfo-badtime"));
        using var request = new HttpRequestMessage(HttpMethod.Post, MeminfoUri) { Content = HttpBodies.Text(ProcMeminfo) };
        request.Headers.Add("X-Sample-Time", "2015-08-17 12:30:00");

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }
}
