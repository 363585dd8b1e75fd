using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Faults;

/// <summary>
/// The database's disk fills up: ingest answers 503 with Retry-After, stores nothing partial, and takes
/// the retried batches by itself once there is room again.
/// </summary>
public sealed class DiskFullTests
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    private static string Batch(int batch) => string.Join('\n', Enumerable.Range(0, 2000).Select(line =>
        ApacheLines.Combined($"10.2.{line / 256}.{line % 256}", Noon.AddSeconds(batch), path: $"/b{batch}/l{line}"))) + "\n";

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, int batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/access") { Content = HttpBodies.Text(Batch(batch)) };
        request.Headers.Add("Idempotency-Key", $"batch-{batch}");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_full_disk_is_503_with_retry_after_stores_nothing_partial_and_ingest_resumes_once_there_is_room()
    {
        await using var cluster = await CrashableCluster.StartAsync();
        await using var disk = await SmallFilesystem.MountAsync(megabytes: 24, owner: Environment.UserName == "root" ? "postgres" : Environment.UserName);
        await Sql.ExecuteAsync(cluster.AdminConnectionString, $"CREATE TABLESPACE tiny LOCATION '{disk.Path}'");
        await Sql.ExecuteAsync(cluster.AdminConnectionString, "CREATE DATABASE filled TABLESPACE tiny");
        var database = new Npgsql.NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "filled" }.ConnectionString;
        await using var app = new AppOnDatabase(database);
        await app.InitializeAsync();
        using var client = app.ClientWithToken(await app.AddHostAsync("filling"));

        var accepted = 0;
        HttpResponseMessage? full = null;
        var batch = 0;
        for (; batch < 200 && full is null; batch++)
        {
            var response = await SendAsync(client, batch);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted += (await IngestAnswer.ReadAsync(response)).Accepted;
            }
            else
            {
                full = response;
            }
        }
        var refused = batch - 1;
        var storedWhenFull = await Sql.CountAsync(database, "SELECT count(*) FROM access_log");
        var countedWhenFull = await Sql.CountAsync(database, "SELECT coalesce(sum(requests), 0) FROM access_minute");
        await disk.GrowAsync(megabytes: 256);
        var retried = await SendAsync(client, refused);

        Assert.NotNull(full);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.NotNull(full.Headers.RetryAfter);
        Assert.True(accepted > 0, "some batches were stored before the disk filled");
        Assert.Equal(accepted, storedWhenFull);
        Assert.Equal(accepted, countedWhenFull);
        Assert.Equal(2000, (await IngestAnswer.ReadAsync(retried)).Accepted);
        Assert.Equal(accepted + 2000, await Sql.CountAsync(database, "SELECT count(*) FROM access_log"));
    }
}
