using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

public sealed class SyslogIngestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri SyslogUri = new("/api/v1/ingest/syslog", UriKind.Relative);

    // The story's host: CentOS 6, kernel 2.6.32, logging in Japan time. Each kill is two lines.
    private static readonly string[] CentOs6Kills =
    [
        "Aug 17 12:31:33 hoge kernel: Out of memory: Kill process 12921 (java) score 226 or sacrifice child",
        "Aug 17 12:31:33 hoge kernel: Killed process 12921, UID 500, (java) total-vm:3512908kB, anon-rss:912384kB, file-rss:120kB",
        "Aug 17 12:31:40 hoge crond[1234]: (root) CMD (run-parts /etc/cron.hourly)",
        "Aug 17 12:32:05 hoge kernel: Out of memory: Kill process 13001 (httpd) score 26 or sacrifice child",
        "Aug 17 12:32:05 hoge kernel: Killed process 13001, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:120kB",
    ];

    [Fact]
    public async Task Rfc3164_lines_are_read_in_the_hosts_zone_and_kills_become_one_event_each()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("hoge", "Asia/Tokyo"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines(CentOs6Kills)));

        Assert.Equal((5, 0), (answer.Accepted, answer.Rejected));
        var kills = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.time, e.pid, e.process, e.score, e.total_vm_kb, e.anon_rss_kb FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'hoge' AND e.kind = 'oom-kill' ORDER BY e.time");
        Assert.Equal(2, kills.Count);
        Assert.Equal([new DateTime(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc), 12921, "java", 226, 3512908L, 912384L], kills[0]);
        Assert.Equal(13001, kills[1][1]);
        Assert.Equal(5, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM syslog_lines l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'hoge'"));
    }

    [Fact]
    public async Task Lines_dated_before_1995_or_over_a_day_ahead_are_rejected_with_the_reason()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-implausible"));
        var ahead = app.Clock.GetUtcNow().AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        string[] lines =
        [
            "<13>1 2015-08-17T12:00:00+09:00 syslog-implausible app - - - kept",
            "<13>1 1990-08-17T12:00:00+09:00 syslog-implausible app - - - too old",
            $"<13>1 {ahead} syslog-implausible app - - - from the future",
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines(lines)));

        Assert.Equal((1, 2), (answer.Accepted, answer.Rejected));
        Assert.All(answer.Errors, e => Assert.Contains("1995", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task X_Log_Year_before_1995_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-old-year"));
        using var request = new HttpRequestMessage(HttpMethod.Post, SyslogUri) { Content = HttpBodies.Text("Mar  3 09:15:00 h sshd[77]: x") };
        request.Headers.Add("X-Log-Year", "1980");

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task X_Log_Timezone_and_X_Log_Year_override_the_defaults()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-headers", "UTC"));
        using var request = new HttpRequestMessage(HttpMethod.Post, SyslogUri)
        {
            Content = HttpBodies.Text("Mar  3 09:15:00 syslog-headers sshd[77]: Accepted publickey for root"),
        };
        request.Headers.Add("X-Log-Timezone", "America/New_York");
        request.Headers.Add("X-Log-Year", "2014");

        Assert.Equal(1, (await IngestAnswer.ReadAsync(await client.SendAsync(request))).Accepted);

        var stored = await Sql.RowsAsync(app.ConnectionString,
            "SELECT l.time FROM syslog_lines l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'syslog-headers'");
        Assert.Equal(new DateTime(2014, 3, 3, 14, 15, 0, DateTimeKind.Utc), Assert.Single(stored)[0]);
    }

    [Theory]
    [InlineData("X-Log-Timezone", "Nowhere/Special")]
    [InlineData("X-Log-Year", "15")]
    public async Task Unusable_time_headers_are_400(string header, string value)
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-bad-" + header.Length));
        using var request = new HttpRequestMessage(HttpMethod.Post, SyslogUri) { Content = HttpBodies.Text("Mar  3 09:15:00 h a: b") };
        request.Headers.Add(header, value);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(header, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_kill_whose_lines_arrive_in_two_batches_is_one_event()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("split-kill", "Asia/Tokyo"));

        await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines([
            "Aug 17 12:33:41 split-kill kernel: Out of memory: Kill process 14444 (httpd) score 30 or sacrifice child"])));
        await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines([
            "Aug 17 12:33:41 split-kill kernel: Killed process 14444, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:120kB"])));

        var kills = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.pid, e.score, e.anon_rss_kb FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'split-kill' AND e.kind = 'oom-kill'");
        Assert.Equal([14444, 30, 389444L], Assert.Single(kills));
    }

    [Fact]
    public async Task A_centos6_kill_announced_for_a_parent_in_one_batch_and_done_to_its_child_in_the_next_is_one_event()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("split-child", "Asia/Tokyo"));

        await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines([
            "Aug 17 12:32:50 split-child kernel: Out of memory: Kill process 21107 (httpd) score 27 or sacrifice child"])));
        await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines([
            "Aug 17 12:32:50 split-child kernel: Killed process 21109, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:120kB"])));

        var kills = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.pid, e.process, e.score, e.total_vm_kb FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'split-child' AND e.kind = 'oom-kill'");
        Assert.Equal([21109, "httpd", 27, 1233196L], Assert.Single(kills));
    }

    [Fact]
    public async Task Journald_json_export_entries_are_read_with_their_own_time()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("journald-host"));
        const string entry = """
            {"__REALTIME_TIMESTAMP":"1439782293000000","_HOSTNAME":"journald-host","_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","PRIORITY":"3","MESSAGE":"Out of memory: Killed process 4242 (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB, UID:48 pgtables:1024kB oom_score_adj:0"}
            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Text(entry, "application/x-ndjson")));

        Assert.Equal(1, answer.Accepted);
        var kill = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.time, e.pid, e.process FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'journald-host'");
        Assert.Equal([new DateTime(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc), 4242, "httpd"], Assert.Single(kill));
    }

    [Fact]
    public async Task A_garbage_line_is_rejected_and_kept_with_its_reason()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-garbage"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Lines(["Aug 17 12:00:00 syslog-garbage app: fine", "\u0001\u0002 not syslog"])));

        Assert.Equal((1, 1), (answer.Accepted, answer.Rejected));
        Assert.Equal(2, Assert.Single(answer.Errors).Line);
    }
}
