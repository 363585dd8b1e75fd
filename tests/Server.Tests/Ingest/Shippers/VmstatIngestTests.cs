using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest.Shippers;

public sealed class VmstatIngestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri VmstatUri = new("/api/v1/ingest/vmstat", UriKind.Relative);
    private static readonly Uri SyslogUri = new("/api/v1/ingest/syslog", UriKind.Relative);
    private static readonly DateTimeOffset Start = new(2015, 8, 17, 3, 30, 0, TimeSpan.Zero);

    // The lines around oom_kill in a real /proc/vmstat (Linux 4.13+).
    private static string Vmstat(long oomKill) => $"""
        nr_free_pages 123456
        pgfault 98765432
        pgmajfault 4321
        oom_kill {oomKill}
        compact_stall 0
        """;

    private static async Task<IngestAnswer> SendAsync(HttpClient client, DateTimeOffset time, long oomKill)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, VmstatUri) { Content = HttpBodies.Text(Vmstat(oomKill)) };
        request.Headers.Add("X-Sample-Time", time.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));
        return await IngestAnswer.ReadAsync(await client.SendAsync(request));
    }

    private Task<List<object?[]>> KillsAsync(string host) => Sql.RowsAsync(app.ConnectionString,
        "SELECT e.time, e.pid, e.process, e.message FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill' ORDER BY e.time, e.id",
        host);

    [Fact]
    public async Task The_counter_rising_by_n_makes_n_kills_at_the_sample_time_with_the_process_unknown()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-rise"));

        await SendAsync(client, Start, 5);
        var answer = await SendAsync(client, Start.AddMinutes(1), 8);

        Assert.Equal((1, 0), (answer.Accepted, answer.Rejected));
        var kills = await KillsAsync("vmstat-rise");
        Assert.Equal(3, kills.Count);
        Assert.All(kills, k => Assert.Equal([Start.AddMinutes(1).UtcDateTime, null, null], k[..3]));
        Assert.StartsWith("oom_kill counter of /proc/vmstat rose by 3", (string)kills[0][3]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_sample_makes_no_kill()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-first"));

        await SendAsync(client, Start, 42);

        Assert.Empty(await KillsAsync("vmstat-first"));
    }

    [Fact]
    public async Task Kills_the_kernel_logged_between_two_samples_are_not_counted_again()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-logged", "UTC"));
        await SendAsync(client, Start, 10);
        await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines([
            "Aug 17 03:30:20 vmstat-logged kernel: Out of memory: Killed process 4242 (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB",
            "Aug 17 03:30:40 vmstat-logged kernel: Out of memory: Killed process 4343 (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB",
        ])));

        await SendAsync(client, Start.AddMinutes(1), 13);

        var kills = await KillsAsync("vmstat-logged");
        Assert.Equal([4242, 4343, null], kills.Select(k => k[1]));
        Assert.Contains("2 of these kills were logged by the kernel", (string)kills[2][3]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_that_goes_down_is_a_reboot_and_counting_starts_again_from_it()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-reboot"));

        await SendAsync(client, Start, 7);
        await SendAsync(client, Start.AddMinutes(1), 0);
        await SendAsync(client, Start.AddMinutes(2), 1);

        var kills = await KillsAsync("vmstat-reboot");
        Assert.Equal(Start.AddMinutes(2).UtcDateTime, Assert.Single(kills)[0]);
    }

    [Fact]
    public async Task A_resent_or_older_sample_changes_nothing()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-old"));

        await SendAsync(client, Start.AddMinutes(1), 3);
        await SendAsync(client, Start, 9);
        await SendAsync(client, Start.AddMinutes(1), 3);

        Assert.Empty(await KillsAsync("vmstat-old"));
    }

    [Fact]
    public async Task A_text_without_oom_kill_is_rejected_with_the_reason()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-old-kernel"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(VmstatUri, HttpBodies.Text("nr_free_pages 1\npgfault 2\n")));

        Assert.Equal((0, 1), (answer.Accepted, answer.Rejected));
        Assert.Contains("4.13", answer.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_body_is_415()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vmstat-json"));

        var response = await client.PostAsync(VmstatUri, HttpBodies.Text("""{"oom_kill":1}""", "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
