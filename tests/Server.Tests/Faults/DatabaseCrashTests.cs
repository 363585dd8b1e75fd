using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Faults;

/// <summary>
/// PostgreSQL killed (SIGKILL of the postmaster) and started again while several shippers send batches:
/// the server answers 503 meanwhile, recovers by itself, and every batch is stored exactly once.
/// </summary>
public sealed class DatabaseCrashTests
{
    private const int Hosts = 4;
    private const int BatchesPerHost = 40;
    private const int LinesPerBatch = 50;
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    private static string Batch(int host, int batch) => string.Join('\n', Enumerable.Range(0, LinesPerBatch).Select(line =>
        ApacheLines.Combined($"10.{host}.{batch}.{line}", Noon.AddSeconds(batch), path: $"/h{host}/b{batch}/l{line}"))) + "\n";

    [Fact]
    public async Task Batches_in_flight_when_the_database_is_killed_are_answered_503_retried_and_stored_exactly_once()
    {
        await using var cluster = await CrashableCluster.StartAsync();
        await using var app = new AppOnDatabase(cluster.ConnectionString);
        await app.InitializeAsync();
        List<(RetryingShipper Shipper, HttpClient Client)> shippers = [];
        for (var host = 0; host < Hosts; host++)
        {
            var client = app.ClientWithToken(await app.AddHostAsync($"crash-{host}"));
            shippers.Add((new RetryingShipper(client), client));
        }
        var stored = 0;
        var shipping = shippers.Select((s, host) => Task.Run(async () =>
        {
            for (var batch = 0; batch < BatchesPerHost; batch++)
            {
                var body = Batch(host, batch);
                var answer = await s.Shipper.SendAsync("access", () => HttpBodies.Text(body), $"crash-{host}-{batch}");
                Assert.Equal((LinesPerBatch, 0), (answer.Accepted, answer.Rejected));
                Interlocked.Increment(ref stored);
            }
        })).ToList();

        await Wait.UntilAsync(() => Volatile.Read(ref stored) >= 20, "twenty batches are stored before the crash");
        await cluster.KillAsync();
        await Wait.UntilAsync(() => shippers.Any(s => s.Shipper.Retries > 0), "a shipper has been told to retry");
        await cluster.RestartAsync();
        await Task.WhenAll(shipping);

        Assert.All(shippers, s => Assert.DoesNotContain(HttpStatusCode.InternalServerError, s.Shipper.Statuses));
        var perHost = await Sql.RowsAsync(cluster.ConnectionString, """
            SELECT h.name, count(*), count(DISTINCT a.path), (SELECT sum(m.requests) FROM access_minute m WHERE m.host_id = h.id)
            FROM access_log a JOIN hosts h ON h.id = a.host_id GROUP BY h.id, h.name ORDER BY h.name
            """);
        Assert.Equal(Hosts, perHost.Count);
        Assert.All(perHost, row => Assert.Equal([(long)BatchesPerHost * LinesPerBatch, (long)BatchesPerHost * LinesPerBatch, (decimal)BatchesPerHost * LinesPerBatch], row[1..]));
        shippers.ForEach(s => s.Client.Dispose());
    }
}
