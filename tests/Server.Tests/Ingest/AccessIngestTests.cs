using System.Net;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

public sealed class AccessIngestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task Lines_are_stored_with_their_time_in_utc_and_counted_in_the_rollups()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-utc", "Asia/Tokyo"));
        string[] lines =
        [
            ApacheLines.Combined("192.0.2.10", Noon, path: "/index.html", bytes: 100),
            ApacheLines.Combined("192.0.2.10", Noon.AddSeconds(30), method: "HEAD", status: 206, bytes: 0),
            ApacheLines.Combined("2001:db8::7", Noon.AddMinutes(1), status: 404, bytes: 10),
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(lines)));

        Assert.Equal((3, 0), (answer.Accepted, answer.Rejected));
        var stored = await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.client_ip::text, a.time, a.method, a.path, a.status, a.bytes FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'access-utc' ORDER BY a.time, a.client_ip");
        Assert.Equal(["192.0.2.10/32", new DateTime(2015, 8, 17, 3, 0, 0, DateTimeKind.Utc), "GET", "/index.html", (short)200, 100L], stored[0]);
        var minute = await Sql.RowsAsync(app.ConnectionString,
            "SELECT m.requests, m.bytes, m.head, m.status206, m.status4xx FROM access_minute m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'access-utc' AND m.client_ip = '192.0.2.10' AND m.minute = '2015-08-17 03:00:00+00'");
        Assert.Equal([2L, 100L, 1L, 1L, 0L], Assert.Single(minute));
    }

    [Fact]
    public async Task A_malformed_line_is_rejected_with_its_reason_and_the_rest_of_the_batch_is_kept()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-bad-lines"));
        string[] lines =
        [
            ApacheLines.Combined("198.51.100.1", Noon),
            "this is not an access log line",
            ApacheLines.Combined("198.51.100.1", Noon).Replace("17/Aug/2015", "32/Aug/2015", StringComparison.Ordinal),
            ApacheLines.Combined("198.51.100.1", Noon).Replace("\" 200 ", "\" 2x0 ", StringComparison.Ordinal),
            ApacheLines.Combined("198.51.100.2", Noon),
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(lines)));

        Assert.Equal((2, 3), (answer.Accepted, answer.Rejected));
        Assert.Equal([2, 3, 4], answer.Errors.Select(e => e.Line));
        Assert.All(answer.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        Assert.Equal(3, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'access-bad-lines' AND r.stream = 'access'"));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'access-bad-lines' AND r.line = 'this is not an access log line' AND r.line_number = 2"));
    }

    [Fact]
    public async Task Lines_dated_before_1995_or_over_a_day_ahead_and_statuses_outside_100_to_599_are_rejected_with_the_reason()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-implausible"));
        var now = app.Clock.GetUtcNow();
        string[] lines =
        [
            ApacheLines.Combined("198.51.100.20", Noon),
            ApacheLines.Combined("198.51.100.20", new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            ApacheLines.Combined("198.51.100.20", new DateTimeOffset(1994, 12, 31, 23, 59, 59, TimeSpan.Zero)),
            ApacheLines.Combined("198.51.100.20", now.AddDays(1).AddMinutes(5)),
            ApacheLines.Combined("198.51.100.20", Noon, status: 999),
            ApacheLines.Combined("198.51.100.20", Noon, status: 99),
            ApacheLines.Combined("198.51.100.20", Noon, status: 600),
            ApacheLines.Combined("198.51.100.20", new DateTimeOffset(1995, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            ApacheLines.Combined("198.51.100.20", now.AddHours(23), status: 599),
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(lines)));

        Assert.Equal((3, 6), (answer.Accepted, answer.Rejected));
        Assert.Equal([2, 3, 4, 5, 6, 7], answer.Errors.Select(e => e.Line));
        Assert.All(answer.Errors.Take(3), e => Assert.Contains("1995", e.Reason, StringComparison.Ordinal));
        Assert.All(answer.Errors.Skip(3), e => Assert.Contains("status", e.Reason, StringComparison.Ordinal));
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'access-implausible' AND (a.time < '1995-01-01' OR a.status > 599)"));
    }

    [Fact]
    public async Task A_line_longer_than_64_KiB_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-long-line"));
        string[] lines =
        [
            ApacheLines.Combined("198.51.100.3", Noon),
            ApacheLines.Combined("198.51.100.3", Noon, path: "/" + new string('a', 70_000)),
            ApacheLines.Combined("198.51.100.3", Noon),
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Lines(lines)));

        Assert.Equal((2, 1), (answer.Accepted, answer.Rejected));
        Assert.Equal(2, Assert.Single(answer.Errors).Line);
    }

    [Fact]
    public async Task A_million_rejected_lines_keep_a_bounded_sample_and_count_the_rest_by_reason()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-amplified"));
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("x\n", 1_000_000)));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), HttpBodies.Gzip(body)));

        Assert.Equal((0, 1_000_000), (answer.Accepted, answer.Rejected));
        var stored = await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'access-amplified'");
        Assert.InRange(stored, 1, 1000);
        var counted = await Sql.RowsAsync(app.ConnectionString,
            "SELECT c.stream, c.reason, c.rejected, c.stored FROM rejected_counts c JOIN hosts h ON h.id = c.host_id WHERE h.name = 'access-amplified'");
        var (stream, reason, rejected, storedOfReason) = ((string)Assert.Single(counted)[0]!, (string)counted[0][1]!, (long)counted[0][2]!, (long)counted[0][3]!);
        Assert.Equal(("access", 1_000_000L, stored), (stream, rejected, storedOfReason));
        Assert.Equal(answer.Errors[0].Reason, reason);
    }

    [Fact]
    public async Task A_retried_batch_with_the_same_idempotency_key_is_stored_once_and_answered_the_same()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-retry"));
        var body = string.Join('\n', Enumerable.Range(0, 50).Select(i => ApacheLines.Combined("203.0.113.5", Noon.AddSeconds(i)))) + "\nnot a line\n";

        async Task<IngestAnswer> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = HttpBodies.Text(body) };
            request.Headers.Add("Idempotency-Key", "batch-0001");
            return await IngestAnswer.ReadAsync(await client.SendAsync(request));
        }
        var first = await SendAsync();
        var retry = await SendAsync();

        Assert.Equal((50, 1), (first.Accepted, first.Rejected));
        Assert.Equal(first.Accepted, retry.Accepted);
        Assert.Equal(first.Errors, retry.Errors);
        Assert.Equal(50, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'access-retry'"));
        Assert.Equal(50, await Sql.CountAsync(app.ConnectionString,
            "SELECT sum(m.requests) FROM access_minute m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'access-retry'"));
    }

    [Fact]
    public async Task A_gzip_body_is_decoded()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-gzip"));
        var lines = Enumerable.Range(0, 1000).Select(i => ApacheLines.Combined("203.0.113.9", Noon.AddSeconds(i)));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Gzip(Encoding.UTF8.GetBytes(string.Join('\n', lines)))));

        Assert.Equal((1000, 0), (answer.Accepted, answer.Rejected));
    }

    [Theory]
    [InlineData("application/x-ndjson", "{\"message\":\"@LINE\"}\n{\"log\":\"@LINE\\n\"}\n{\"MESSAGE\":\"@LINE\"}\n")]
    [InlineData("application/json", "[{\"message\":\"@LINE\"},{\"log\":\"@LINE\"},{\"MESSAGE\":\"@LINE\"}]")]
    public async Task Shipper_json_envelopes_carry_the_line_in_message_log_or_MESSAGE(string contentType, string template)
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-json-" + contentType.Length));
        var line = ApacheLines.Combined("198.51.100.77", Noon, userAgent: "curl/7.29.0").Replace("\"", "\\\"", StringComparison.Ordinal);

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text(template.Replace("@LINE", line, StringComparison.Ordinal), contentType)));

        Assert.Equal((3, 0), (answer.Accepted, answer.Rejected));
    }

    [Fact]
    public async Task A_bad_ndjson_line_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-ndjson-bad"));
        var line = ApacheLines.Combined("198.51.100.78", Noon).Replace("\"", "\\\"", StringComparison.Ordinal);

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text($"{{\"message\":\"{line}\"}}\n{{not json\n{{\"other\":1}}\n", "application/x-ndjson")));

        Assert.Equal((1, 2), (answer.Accepted, answer.Rejected));
    }

    [Fact]
    public async Task Syslog_ng_form_bodies_and_bodies_without_a_content_type_are_lines()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-form"));
        var line = ApacheLines.Combined("198.51.100.90", Noon);

        var form = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text(line, "application/x-www-form-urlencoded")));
        var bare = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text(line, contentType: null)));

        Assert.Equal(1, form.Accepted);
        Assert.Equal(1, bare.Accepted);
    }

    [Fact]
    public async Task The_X_Log_Format_header_overrides_the_hosts_format()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-format"));
        var line = $"www.example.com:443 {ApacheLines.Combined("198.51.100.91", Noon)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = HttpBodies.Text(line) };
        request.Headers.Add("X-Log-Format", "vhost_combined");

        var answer = await IngestAnswer.ReadAsync(await client.SendAsync(request));

        Assert.Equal(1, answer.Accepted);
        Assert.Equal("www.example.com", Assert.Single(await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.vhost FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'access-format'"))[0]);
    }

    [Fact]
    public async Task A_format_without_an_offset_is_read_in_X_Log_Timezone_else_the_hosts_zone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-local-time", "Asia/Tokyo"));
        const string format = "%h %l %u [%{%Y-%m-%d %H:%M:%S}t] \"%r\" %>s %b";
        async Task SendAsync(string ip, string? zone)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access")
            {
                Content = HttpBodies.Text($"{ip} - - [2015-08-17 12:10:00] \"GET / HTTP/1.1\" 200 5"),
            };
            request.Headers.Add("X-Log-Format", format);
            if (zone is not null)
            {
                request.Headers.Add("X-Log-Timezone", zone);
            }
            Assert.Equal(1, (await IngestAnswer.ReadAsync(await client.SendAsync(request))).Accepted);
        }

        await SendAsync("198.51.100.120", null);
        await SendAsync("198.51.100.121", "America/New_York");

        var times = await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.time FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'access-local-time' ORDER BY a.client_ip");
        Assert.Equal(new DateTime(2015, 8, 17, 3, 10, 0, DateTimeKind.Utc), times[0][0]);
        Assert.Equal(new DateTime(2015, 8, 17, 16, 10, 0, DateTimeKind.Utc), times[1][0]);
    }

    [Fact]
    public async Task An_ipv4_client_logged_as_ipv4_mapped_ipv6_is_the_same_address()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-mapped"));

        await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Lines([ApacheLines.Combined("::ffff:198.51.100.130", Noon), ApacheLines.Combined("198.51.100.130", Noon)])));

        Assert.Equal(2, await Sql.CountAsync(app.ConnectionString,
            "SELECT sum(m.requests) FROM access_minute m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'access-mapped' AND m.client_ip = '198.51.100.130'"));
    }

    [Fact]
    public async Task An_unusable_X_Log_Format_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("access-format-bad"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = HttpBodies.Text("x") };
        request.Headers.Add("X-Log-Format", "%h %{");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Log-Format", await response.Content.ReadAsStringAsync());
    }
}
