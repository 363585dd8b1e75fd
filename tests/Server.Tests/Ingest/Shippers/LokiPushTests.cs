using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest.Shippers;

public sealed class LokiPushTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri PushUri = new("/loki/api/v1/push", UriKind.Relative);
    private static readonly DateTimeOffset Tokyo = new(2015, 8, 17, 12, 31, 33, TimeSpan.FromHours(9));

    /// <summary>Loki's timestamp: unix nanoseconds as a string.</summary>
    private static string Ns(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);

    private static string Push(params (Dictionary<string, string> Labels, (DateTimeOffset Time, string Line)[] Values)[] streams) =>
        JsonSerializer.Serialize(new
        {
            streams = streams.Select(s => new { stream = s.Labels, values = s.Values.Select(v => new[] { Ns(v.Time), v.Line }) }),
        });

    private static ByteArrayContent Json(string body) => HttpBodies.Text(body, "application/json");

    private static Task<long> CountAsync(DashboardApp app, string table, string host) =>
        Sql.CountAsync(app.ConnectionString, $"SELECT count(*) FROM {table} t JOIN hosts h ON h.id = t.host_id WHERE h.name = $1", host);

    [Fact]
    public async Task Streams_of_one_gzipped_push_go_to_the_access_log_and_syslog_by_their_labels_and_the_answer_is_204()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-web1", "Asia/Tokyo"));
        var body = Push(
            (new() { ["job"] = "apache", ["filename"] = "/var/log/httpd/access_log" },
            [
                (Tokyo.AddMinutes(5), ApacheLines.Combined("202.215.15.8", Tokyo, "HEAD", status: 206)),
                (Tokyo.AddMinutes(5), ApacheLines.Combined("202.215.15.8", Tokyo.AddSeconds(1), "HEAD", status: 206)),
            ]),
            (new() { ["job"] = "varlogs", ["filename"] = "/var/log/messages" },
            [
                (Tokyo.AddMinutes(5), "Aug 17 12:31:33 loki-web1 kernel: Out of memory: Kill process 12921 (java) score 226 or sacrifice child"),
                (Tokyo.AddMinutes(5), "Aug 17 12:31:33 loki-web1 kernel: Killed process 12921, UID 500, (java) total-vm:3512908kB, anon-rss:912384kB, file-rss:120kB"),
            ]));

        var response = await client.PostAsync(PushUri, HttpBodies.Gzip(Encoding.UTF8.GetBytes(body), "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        // The access lines are counted at their own %t, not at the Loki timestamp five minutes later.
        var times = await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.time FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'loki-web1' ORDER BY a.time");
        Assert.Equal([Tokyo.UtcDateTime, Tokyo.AddSeconds(1).UtcDateTime], times.Select(r => (DateTime)r[0]!));
        Assert.Equal(2, await CountAsync(app, "syslog_lines", "loki-web1"));
        var kill = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.time, e.pid, e.process FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'loki-web1' AND e.kind = 'oom-kill'");
        Assert.Equal([Tokyo.UtcDateTime, 12921, "java"], Assert.Single(kill));
    }

    [Fact]
    public async Task A_stream_labelled_with_another_host_is_400_with_the_reason_and_the_others_are_stored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-own"));
        var body = Push(
            (new() { ["kind"] = "access", ["host"] = "loki-own.example.com" }, [(Tokyo, ApacheLines.Combined("192.0.2.1", Tokyo))]),
            (new() { ["kind"] = "access", ["host"] = "someone-else" }, [(Tokyo, ApacheLines.Combined("192.0.2.2", Tokyo)), (Tokyo, ApacheLines.Combined("192.0.2.3", Tokyo))]));

        var response = await client.PostAsync(PushUri, Json(body));

        // Loki's own answer when some streams fail validation: the others are kept, the push is a 400 saying why.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("label names another host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(app, "access_log", "loki-own"));
        var rejected = await Sql.RowsAsync(app.ConnectionString,
            "SELECT r.line_number, r.reason, r.stream FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'loki-own' ORDER BY r.line_number");
        Assert.Equal([2, 3], rejected.Select(r => (int)r[0]!));
        Assert.All(rejected, r => Assert.Contains("host label names another host", (string)r[1]!, StringComparison.Ordinal));
        Assert.All(rejected, r => Assert.Equal("loki", r[2]));
    }

    [Fact]
    public async Task An_rfc3164_stream_is_read_in_its_timezone_labels_zone_with_the_year_of_the_loki_timestamp()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-zone", "UTC"));
        // Shipped in 2014 (the server's clock says 2015): the line is from 2014, not the year of receipt.
        var shipped = new DateTimeOffset(2014, 3, 3, 0, 20, 0, TimeSpan.Zero);
        var body = Push((new() { ["kind"] = "syslog", ["timezone"] = "America/New_York" },
            [(shipped, "Mar  2 19:15:00 loki-zone sshd[77]: Accepted publickey for root")]));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(PushUri, Json(body))).StatusCode);

        var stored = await Sql.RowsAsync(app.ConnectionString,
            "SELECT l.time, l.program FROM syslog_lines l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'loki-zone'");
        Assert.Equal([new DateTime(2014, 3, 3, 0, 15, 0, DateTimeKind.Utc), "sshd"], Assert.Single(stored));
    }

    [Fact]
    public async Task Basic_auth_with_the_ingest_token_as_password_is_accepted_whatever_the_user_name()
    {
        var token = await app.AddHostAsync("loki-basic");
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("fluent-bit:" + token)));
        var body = Push((new() { ["kind"] = "access" }, [(Tokyo, ApacheLines.Combined("192.0.2.9", Tokyo))]));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(PushUri, Json(body))).StatusCode);
        Assert.Equal(1, await CountAsync(app, "access_log", "loki-basic"));
    }

    [Theory]
    [InlineData("Bearer aid_ingest_not-a-real-token")]
    [InlineData("Basic dXNlcjphaWRfaW5nZXN0X25vdC1hLXJlYWwtdG9rZW4=")]
    [InlineData("Basic not base64!")]
    public async Task A_push_without_a_valid_token_is_401(string authorization)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, PushUri) { Content = Json("""{"streams":[]}""") };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }

    // Promtail and Grafana Alloy only send snappy-compressed protobuf: "Promtail, the canonical Loki client,
    // uses snappy-compressed-protobuf only. This is not configurable." (grafana/grafana#65137; grafana/loki#3717,
    // #4144). Vector's loki sink does too by default (compression = "snappy"); some clients add
    // Content-Encoding: snappy (grafana/loki#3407).
    [Theory]
    [InlineData("application/x-protobuf", null)]
    [InlineData("application/x-protobuf", "snappy")]
    [InlineData(null, null)]
    public async Task A_protobuf_push_from_promtail_or_alloy_is_415_saying_to_send_json(string? contentType, string? encoding)
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-proto-" + (contentType is null ? "none" : encoding ?? "plain")));
        var content = new ByteArrayContent([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        var response = await client.PostAsync(PushUri, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_a_loki_push_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-not-push"));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(PushUri, Json("""{"values":[]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(PushUri, Json("""{"streams":[{"stream":{}"""))).StatusCode);
    }

    [Fact]
    public async Task A_stream_no_label_classifies_is_400_with_the_reason_and_a_malformed_entry_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-unknown"));
        const string body = """
            {"streams":[
              {"stream":{"job":"fluent-bit"},"values":[["1439782293000000000","192.0.2.1 - - [17/Aug/2015:12:31:33 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""]]},
              {"stream":{"kind":"access"},"values":[["yesterday","x"],["1439782293000000000"]]}
            ]}
            """;

        var response = await client.PostAsync(PushUri, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("kind=access", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reasons = await Sql.RowsAsync(app.ConnectionString,
            "SELECT r.line_number, r.reason FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'loki-unknown' ORDER BY r.line_number");
        Assert.Equal([1, 2, 3], reasons.Select(r => (int)r[0]!));
        Assert.Contains("kind=access", (string)reasons[0][1]!, StringComparison.Ordinal);
        Assert.Contains("unix ns", (string)reasons[1][1]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_retried_with_its_idempotency_key_is_stored_once()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-retry"));
        var body = Push((new() { ["kind"] = "access" }, [(Tokyo, ApacheLines.Combined("192.0.2.7", Tokyo))]));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, PushUri) { Content = Json(body) };
            request.Headers.Add("Idempotency-Key", "loki-batch-1");
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(1, await CountAsync(app, "access_log", "loki-retry"));
    }

    [Fact]
    public async Task A_meminfo_stream_makes_one_sample_per_timestamp()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("loki-meminfo"));
        var at = new DateTimeOffset(2015, 8, 17, 3, 30, 0, TimeSpan.Zero);
        var body = Push((new() { ["kind"] = "meminfo" },
        [
            (at, "MemTotal:        2048000 kB"), (at, "MemFree:           10000 kB"), (at, "MemAvailable:      50000 kB"),
            (at.AddMinutes(1), "MemTotal:        2048000 kB\nMemFree:            9000 kB\nMemAvailable:      40000 kB"),
        ]));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(PushUri, Json(body))).StatusCode);

        var samples = await Sql.RowsAsync(app.ConnectionString,
            "SELECT m.time, m.mem_available_kb FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'loki-meminfo' ORDER BY m.time");
        Assert.Equal([[at.UtcDateTime, 50000L], [at.AddMinutes(1).UtcDateTime, 40000L]], samples);
    }
}
