using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>A server that writes any body past 64 KiB as it arrives, so that streamed batches are cheap to make.</summary>
public sealed class SmallBufferApp : DashboardApp
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("Dashboard:Ingest:MaxBufferedBytes", "65536")];
}

/// <summary>
/// An Idempotency-Key names one body at one endpoint of one host: a retry of that body is answered as the
/// first was and stored once; the same key with another body is refused (422), whether the body was
/// received whole or written as it arrived.
/// </summary>
public sealed class IdempotencyTests(SmallBufferApp app) : IClassFixture<SmallBufferApp>
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    private static string Lines(string ip, int count) =>
        string.Join('\n', Enumerable.Range(0, count).Select(i => ApacheLines.Combined(ip, Noon.AddSeconds(i), path: $"/{i}"))) + "\n";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string endpoint, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ingest/{endpoint}") { Content = HttpBodies.Text(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private Task<long> AccessRowsAsync(string host) =>
        Sql.CountAsync(app.ConnectionString, "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = $1", host);

    [Theory]
    [InlineData(20)]
    [InlineData(2000)]
    public async Task The_same_key_with_another_body_is_422_and_stores_nothing_of_it(int lines)
    {
        var host = $"key-reused-{lines}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host));
        var first = await IngestAnswer.ReadAsync(await PostAsync(client, "access", Lines("192.0.2.30", lines), "batch-7"));

        var reused = await PostAsync(client, "access", Lines("192.0.2.31", lines), "batch-7");

        Assert.Equal(lines, first.Accepted);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("Idempotency-Key", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(lines, await AccessRowsAsync(host));
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = $1 AND a.client_ip = '192.0.2.31'", host));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(2000)]
    public async Task A_retry_of_the_same_body_is_answered_as_the_first_and_stored_once(int lines)
    {
        var host = $"key-retried-{lines}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host));
        var body = Lines("192.0.2.32", lines) + "not a line\n";

        var first = await IngestAnswer.ReadAsync(await PostAsync(client, "access", body, "batch-8"));
        var retry = await IngestAnswer.ReadAsync(await PostAsync(client, "access", body, "batch-8"));

        Assert.Equal((lines, 1), (first.Accepted, first.Rejected));
        Assert.Equal((first.Accepted, first.Rejected), (retry.Accepted, retry.Rejected));
        Assert.Equal(first.Errors, retry.Errors);
        Assert.Equal(lines, await AccessRowsAsync(host));
    }

    [Fact]
    public async Task A_key_used_at_one_endpoint_is_free_at_another()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("key-endpoints"));

        var access = await IngestAnswer.ReadAsync(await PostAsync(client, "access", Lines("192.0.2.33", 3), "same-key"));
        var syslog = await IngestAnswer.ReadAsync(await PostAsync(client, "syslog", "<13>1 2015-08-17T12:00:00+09:00 key-endpoints app - - - hello\n", "same-key"));

        Assert.Equal((3, 1), (access.Accepted, syslog.Accepted));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM syslog_lines l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'key-endpoints'"));
    }

    [Fact]
    public async Task The_same_key_from_another_host_is_that_hosts_own()
    {
        using var one = app.ClientWithToken(await app.AddHostAsync("key-host-one"));
        using var two = app.ClientWithToken(await app.AddHostAsync("key-host-two"));

        await IngestAnswer.ReadAsync(await PostAsync(one, "access", Lines("192.0.2.34", 2), "shared"));
        var other = await IngestAnswer.ReadAsync(await PostAsync(two, "access", Lines("192.0.2.35", 5), "shared"));

        Assert.Equal(5, other.Accepted);
        Assert.Equal(5, await AccessRowsAsync("key-host-two"));
    }

    [Fact]
    public async Task Concurrent_sends_of_one_body_under_one_key_store_it_once()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("key-concurrent"));
        var body = Lines("192.0.2.36", 500);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ => await IngestAnswer.ReadAsync(await PostAsync(client, "access", body, "once"))));

        Assert.All(answers, a => Assert.Equal(500, a.Accepted));
        Assert.Equal(500, await AccessRowsAsync("key-concurrent"));
    }

    [Fact]
    public async Task A_refused_body_leaves_its_key_free()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("key-after-400"));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = HttpBodies.Text("not gzip") })
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
            request.Headers.Add("Idempotency-Key", "k");
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
        }

        var answer = await IngestAnswer.ReadAsync(await PostAsync(client, "access", Lines("192.0.2.37", 4), "k"));

        Assert.Equal(4, answer.Accepted);
    }
}
