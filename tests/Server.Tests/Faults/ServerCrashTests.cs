using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dashboard.Server.Data.Embedded;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Faults;

/// <summary>The server killed (SIGKILL) while it writes a large body: nothing of the body is stored, and its retry stores it once.</summary>
public sealed class ServerCrashTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));
    private readonly TempFolder _data = new();

    [Fact]
    public async Task A_server_killed_in_the_middle_of_a_large_copy_leaves_nothing_of_it_and_the_retry_with_its_key_stores_it_once()
    {
        var token = (await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "big-upload")).Stdout.Trim();
        var lines = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 100_000)
            .Select(i => ApacheLines.Combined($"10.1.{i / 256 % 256}.{i % 256}", Noon.AddSeconds(i % 3600), path: $"/p/{i}"))) + "\n");
        var cut = Array.LastIndexOf(lines, (byte)'\n', lines.Length * 9 / 10) + 1;

        await using (var server = await ServerProcess.StartServerAsync(_data.Path))
        {
            using var client = Client(server, token);
            using var paused = new PausedContent(lines, cut);
            var posting = client.SendAsync(Request(paused));
            await paused.Paused;
            await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_data.Path), NullLogger.Instance);
            await Wait.UntilAsync(async () => await Sql.CountAsync(postgres.ConnectionString,
                "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy p JOIN pg_class c ON c.oid = p.relid WHERE c.relname LIKE 'access_log%'") > 0,
                "the server is copying the body's rows");

            await server.KillAsync();
            paused.Resume();

            await Assert.ThrowsAnyAsync<HttpRequestException>(() => posting);
            Assert.Equal(0, await StoredAsync(postgres.ConnectionString));
        }

        await using (var restarted = await ServerProcess.StartServerAsync(_data.Path))
        {
            using var client = Client(restarted, token);
            var retry = await IngestAnswer.ReadAsync(await client.SendAsync(Request(new ByteArrayContent(lines))));
            var again = await IngestAnswer.ReadAsync(await client.SendAsync(Request(new ByteArrayContent(lines))));

            await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_data.Path), NullLogger.Instance);
            Assert.Equal((100_000, 0), (retry.Accepted, retry.Rejected));
            Assert.Equal(retry.Accepted, again.Accepted);
            Assert.Equal(100_000, await StoredAsync(postgres.ConnectionString));
        }
    }

    private static HttpClient Client(ServerProcess server, string token)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Wait.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static HttpRequestMessage Request(HttpContent body)
    {
        body.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = body };
        request.Headers.Add("Idempotency-Key", "access.log.1");
        return request;
    }

    private static Task<long> StoredAsync(string connectionString) =>
        Sql.CountAsync(connectionString, "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'big-upload'");

    public void Dispose() => _data.Dispose();
}
