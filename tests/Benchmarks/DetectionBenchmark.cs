using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Dashboard.Benchmarks;

/// <summary>
/// What detection costs and how soon it speaks: the same ingest against two servers alike but for
/// <c>Dashboard:Detection:Enabled</c>, alternating run by run; then how long after an attack's lines are
/// answered 200 its alert is in <c>/api/v1/alerts</c>, on an idle server and on one ingesting.
/// </summary>
internal static class DetectionBenchmark
{
    private const int AttackLines = 12;

    public static async Task RunAsync(int lineCount, int batchLines, int concurrency, int runs)
    {
        await using var on = await BenchServer.StartAsync();
        await using var off = await BenchServer.StartAsync(settings: new Dictionary<string, string> { ["Dashboard__Detection__Enabled"] = "false" });
        using var onClient = on.Client(await on.AddHostAsync("bench"));
        using var offClient = off.Client(await off.AddHostAsync("bench"));
        var bodies = IngestBenchmark.Bodies(IngestBenchmark.LastHourLines(lineCount, 15), batchLines);
        Console.WriteLine($"detection: {lineCount:N0} combined lines in batches of {batchLines:N0}, {concurrency} at a time, {runs} runs each, detection on against off");

        // A whole pass each first, so that both servers' JIT has settled.
        await IngestOnAsync(on, onClient, bodies, concurrency);
        await ResetAsync(on);
        await IngestBenchmark.IngestOverHttpAsync(offClient, bodies, concurrency);
        await ResetAsync(off);

        List<double> ratios = [], onRates = [], offRates = [];
        for (var run = 0; run < runs; run++)
        {
            var cpuBefore = (on.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var (onSeconds, drained) = await IngestOnAsync(on, onClient, bodies, concurrency);
            var onCpu = IngestBenchmark.Used(cpuBefore, on);
            var alerts = await CountAsync(on, "SELECT count(*) FROM alerts");
            await IngestBenchmark.VerifyCountAsync(on.ConnectionString, lineCount);
            await ResetAsync(on);

            cpuBefore = (off.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var offSeconds = await IngestBenchmark.TimeAsync(() => IngestBenchmark.IngestOverHttpAsync(offClient, bodies, concurrency));
            var offCpu = IngestBenchmark.Used(cpuBefore, off);
            await IngestBenchmark.VerifyCountAsync(off.ConnectionString, lineCount);
            await ResetAsync(off);

            onRates.Add(lineCount / onSeconds);
            offRates.Add(lineCount / offSeconds);
            ratios.Add(offSeconds / onSeconds);
            Console.WriteLine($"  run {run + 1}: on {lineCount / onSeconds,10:N0} lines/s   off {lineCount / offSeconds,10:N0} lines/s   on/off {offSeconds / onSeconds:F3}"
                + $"   queue read {drained.TotalMilliseconds:F0} ms after the last 200, {alerts} alerts"
                + $"   CPU s on: server {onCpu.Server:F1}, postgres {onCpu.Postgres:F1}; off: server {offCpu.Server:F1}, postgres {offCpu.Postgres:F1}");
        }
        Console.WriteLine($"detection median: on {IngestBenchmark.Median(onRates):N0} lines/s, off {IngestBenchmark.Median(offRates):N0} lines/s, on/off {IngestBenchmark.Median(ratios):F3} (min {ratios.Min():F3}, max {ratios.Max():F3})");

        using var reader = on.Client(await on.AddReaderAsync());
        var idle = await AttackLatenciesAsync(onClient, reader, 5, 1);
        Console.WriteLine($"line to alert, idle server: median {Median(idle)} ms, max {idle.Max():F0} ms");
        using var ingesting = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!ingesting.IsCancellationRequested)
            {
                await IngestBenchmark.IngestOverHttpAsync(onClient, bodies.Take(bodies.Length / 4).ToArray(), concurrency);
            }
        });
        var busy = await AttackLatenciesAsync(onClient, reader, 5, 101);
        await ingesting.CancelAsync();
        await load;
        Console.WriteLine($"line to alert, while ingesting {concurrency} batches at a time: median {Median(busy)} ms, max {busy.Max():F0} ms");
    }

    private static string Median(IEnumerable<double> values) => IngestBenchmark.Median(values).ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>Ingest with detection on, and how long after the last 200 detection has read all it queued.</summary>
    private static async Task<(double Seconds, TimeSpan Drained)> IngestOnAsync(BenchServer server, HttpClient client, byte[][] bodies, int concurrency)
    {
        var seconds = await IngestBenchmark.TimeAsync(() => IngestBenchmark.IngestOverHttpAsync(client, bodies, concurrency));
        var watch = Stopwatch.StartNew();
        while (await CountAsync(server, "SELECT count(*) FROM detection_queue") > 0)
        {
            await Task.Delay(10);
        }
        return (seconds, watch.Elapsed);
    }

    /// <summary>
    /// Posts a Range-header DoS from a fresh address (HEAD / answered 206, no body, no agent, one a second up
    /// to now) and times from its 200 until the alert naming that address is served.
    /// </summary>
    private static async Task<List<double>> AttackLatenciesAsync(HttpClient ingest, HttpClient reader, int attacks, int firstOctet)
    {
        List<double> latencies = [];
        for (var attack = 0; attack < attacks; attack++)
        {
            var ip = $"198.51.{firstOctet + attack}.7";
            var now = DateTimeOffset.UtcNow;
            var lines = Enumerable.Range(0, AttackLines).Select(i =>
                $"{ip} - - [{now.AddSeconds(i - AttackLines).ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)} +0000] \"HEAD / HTTP/1.1\" 206 - \"-\" \"-\"");
            using var content = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "text/plain");
            using var response = await ingest.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), content);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            var watch = Stopwatch.StartNew();
            while ((await reader.GetFromJsonAsync<List<object>>($"/api/v1/alerts?rule=request-shape&ip={ip}"))!.Count == 0)
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new InvalidOperationException($"no alert for {ip} a minute after its lines were stored");
                }
                await Task.Delay(5);
            }
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static async Task ResetAsync(BenchServer server)
    {
        await IngestBenchmark.ResetAsync(server.ConnectionString);
        await CountAsync(server, "TRUNCATE access_shape_minute, detection_queue, alert_notifications, notification_groups, alerts CASCADE; SELECT 0");
    }

    private static async Task<long> CountAsync(BenchServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
