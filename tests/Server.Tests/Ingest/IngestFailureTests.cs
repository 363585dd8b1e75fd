using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>A server with small limits, so that every refusal a shipper can meet is cheap to provoke.</summary>
public sealed class SmallLimitsApp : DashboardApp
{
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxDecodedBytes = 64 * 1024;

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Dashboard:Ingest:MaxBodyBytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Dashboard:Ingest:MaxDecodedBytes", MaxDecodedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Dashboard:Ingest:MaxConcurrentBatches", "1"),
        ("Dashboard:Ingest:QueueTimeout", "00:00:00.200"),
    ];
}

/// <summary>
/// Every status a shipper reads: 4xx means "this body can never succeed, drop it", 503 + Retry-After
/// means "retry", and nothing a client sends produces a 500.
/// </summary>
public sealed class IngestFailureTests(SmallLimitsApp app) : IClassFixture<SmallLimitsApp>
{
    private static readonly Uri AccessUri = new("/api/v1/ingest/access", UriKind.Relative);
    private static readonly string OneLine = ApacheLines.Combined("192.0.2.1", new DateTimeOffset(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9)));

    [Fact]
    public async Task No_token_is_401()
    {
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
    }

    [Theory]
    [InlineData("aid_ingest_notatokenanyoneissued")]
    [InlineData("")]
    public async Task An_unknown_token_is_401(string token)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, AccessUri) { Content = HttpBodies.Text(OneLine) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_is_401_from_the_next_request_on()
    {
        var token = await app.AddHostAsync("fail-revoked");
        using var client = app.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);

        await Sql.ExecuteAsync(app.ConnectionString, "UPDATE api_tokens SET revoked_at = now() WHERE name = 'fail-revoked'");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
    }

    [Fact]
    public async Task A_read_token_cannot_ingest()
    {
        using var client = app.ClientWithToken(await app.AddReaderAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
    }

    [Fact]
    public async Task An_unknown_content_type_is_415()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-415"));

        var response = await client.PostAsync(AccessUri, HttpBodies.Text(OneLine, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_content_encoding_is_415()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-415-encoding"));
        var content = HttpBodies.Text(OneLine);
        content.Headers.ContentEncoding.Add("zstd");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync(AccessUri, content)).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-413"));
        var body = string.Join('\n', Enumerable.Repeat(OneLine, SmallLimitsApp.MaxBodyBytes / OneLine.Length + 10));

        var response = await client.PostAsync(AccessUri, HttpBodies.Text(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'fail-413'"));
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-413-chunked"));
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(OneLine, SmallLimitsApp.MaxDecodedBytes / OneLine.Length + 10)));
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        var response = await client.PostAsync(AccessUri, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_gzip_bomb_is_413()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-bomb"));
        var zeros = new byte[SmallLimitsApp.MaxDecodedBytes * 16];

        var response = await client.PostAsync(AccessUri, HttpBodies.Gzip(zeros));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_gzip_but_says_so_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-gzip"));
        var content = HttpBodies.Text("certainly not gzip");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await client.PostAsync(AccessUri, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("certainly", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_json_body_that_is_not_json_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-json"));

        var response = await client.PostAsync(AccessUri, HttpBodies.Text("[{\"message\": \"a\"}, {oops", "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-key"));
        using var request = new HttpRequestMessage(HttpMethod.Post, AccessUri) { Content = HttpBodies.Text(OneLine) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 300));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_saturated_server_answers_503_with_retry_after_and_takes_the_retry_once_a_writer_is_free()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-busy"));
        var gate = app.Services.GetRequiredService<Server.Ingest.IngestGate>();

        HttpResponseMessage refused;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            refused = await client.PostAsync(AccessUri, HttpBodies.Text(OneLine));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
    }

    [Fact]
    public async Task An_unreachable_database_is_503_with_retry_after_and_the_retry_succeeds()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fail-db"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString).Database;
        var admin = await PostgresCluster.AdminConnectionStringAsync();

        await Sql.ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        Npgsql.NpgsqlConnection.ClearAllPools();
        HttpResponseMessage down;
        try
        {
            down = await client.PostAsync(AccessUri, HttpBodies.Text(OneLine));
        }
        finally
        {
            await Sql.ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(AccessUri, HttpBodies.Text(OneLine))).StatusCode);
    }
}
