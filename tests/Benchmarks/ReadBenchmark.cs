using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Dashboard.Shared;
using Npgsql;

namespace Dashboard.Benchmarks;

/// <summary>
/// The read API at scale: <c>lineCount</c> lines over the last 24 hours, shipped through the ingest
/// endpoint, then the overview's four calls and one IP's drill-down timed over loopback HTTP.
/// </summary>
internal static class ReadBenchmark
{
    private const int BatchLines = 20_000;

    public static async Task RunAsync(int lineCount, int repetitions)
    {
        await using var server = await BenchServer.StartAsync();
        var end = DateTimeOffset.UtcNow;
        end = new DateTimeOffset(end.Ticks - end.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        await LoadDayAsync(server, lineCount, end);

        using var reader = server.Client(await server.AddReaderAsync());
        foreach (var (name, span) in new[] { ("24 h", TimeSpan.FromDays(1)), ("1 h", TimeSpan.FromHours(1)) })
        {
            var range = $"from={Uri.EscapeDataString((end - span).ToString("O"))}&to={Uri.EscapeDataString(end.ToString("O"))}";
            string[] overview = [$"/api/v1/traffic?{range}&top=5", $"/api/v1/ips?{range}&limit=50", $"/api/v1/memory?{range}", $"/api/v1/events?{range}"];
            foreach (var path in overview)
            {
                await ReportAsync(reader, $"{name,4} {path.Split('?')[0]}", [path], repetitions);
            }
            await ReportAsync(reader, $"{name,4} overview (4 calls at once)", overview, repetitions);
            var top = (await reader.GetFromJsonAsync<List<IpSummary>>(new Uri($"/api/v1/ips?{range}&limit=1", UriKind.Relative)))![0];
            string[] drillDown = [$"/api/v1/ips/{top.Ip}?{range}", $"/api/v1/ips/{top.Ip}/requests?{range}&limit=100"];
            await ReportAsync(reader, $"{name,4} drill-down {top.Ip} ({top.Requests:N0} requests, 2 calls at once)", drillDown, repetitions);
        }
    }

    /// <summary>Ships <paramref name="lineCount"/> lines over the 24 hours before <paramref name="end"/>, memory and kills, then readies the database as a running server would have it.</summary>
    public static async Task LoadDayAsync(BenchServer server, int lineCount, DateTimeOffset end)
    {
        var ingestToken = await server.AddHostAsync("bench");
        var start = end.AddDays(-1);
        using (var ingest = server.Client(ingestToken))
        {
            var watch = Stopwatch.StartNew();
            await LoadAccessAsync(ingest, new AccessLogGenerator().Lines(lineCount, start, TimeSpan.FromDays(1)));
            Console.WriteLine($"loaded {lineCount:N0} lines over 24 h in {watch.Elapsed.TotalSeconds:F0} s ({lineCount / watch.Elapsed.TotalSeconds:N0} lines/s)");
            await LoadHostRecordsAsync(ingest, start);
        }
        await AnalyzeAsync(server.ConnectionString);
        await WaitForLeaderboardsAsync(server.ConnectionString);
    }

    private static async Task LoadAccessAsync(HttpClient client, IEnumerable<string> lines)
    {
        using var batches = lines.Chunk(BatchLines).GetEnumerator();
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            while (true)
            {
                byte[] body;
                lock (gate)
                {
                    if (!batches.MoveNext())
                    {
                        return;
                    }
                    body = Encoding.UTF8.GetBytes(string.Join('\n', batches.Current) + "\n");
                }
                await IngestBenchmark.IngestOverHttpAsync(client, [body], 1);
            }
        }));
    }

    /// <summary>A memory sample every 10 s, draining during each attack hour, and an OOM kill at the end of each.</summary>
    private static async Task LoadHostRecordsAsync(HttpClient client, DateTimeOffset start)
    {
        var samples = new StringBuilder();
        for (var t = start; t < start.AddDays(1); t = t.AddSeconds(10))
        {
            var intoHour = (t - start).TotalMinutes % 60 / 60;
            samples.Append(CultureInfo.InvariantCulture,
                $$"""{"time":"{{t.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}","memTotalKb":8000000,"memAvailableKb":{{(long)(4_000_000 * (1 - intoHour))}},"swapTotalKb":2000000,"swapFreeKb":{{(long)(2_000_000 * (1 - intoHour * intoHour))}}}""")
                .Append('\n');
        }
        var syslog = new StringBuilder();
        for (var hour = 0; hour < 24; hour++)
        {
            var kill = start.AddHours(hour).AddMinutes(59);
            syslog.Append(CultureInfo.InvariantCulture,
                $"<3>1 {kill.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} bench kernel - - - Out of memory: Killed process {1000 + hour} (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB, UID:48 pgtables:1024kB oom_score_adj:0\n");
        }
        using var memory = new StringContent(samples.ToString(), Encoding.UTF8, "application/x-ndjson");
        (await client.PostAsync(new Uri("/api/v1/ingest/meminfo", UriKind.Relative), memory)).EnsureSuccessStatusCode();
        using var events = new StringContent(syslog.ToString(), Encoding.UTF8, "text/plain");
        (await client.PostAsync(new Uri("/api/v1/ingest/syslog", UriKind.Relative), events)).EnsureSuccessStatusCode();
    }

    /// <summary>The server makes the closed hours' leaderboards every half minute; a running server has them.</summary>
    private static async Task WaitForLeaderboardsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM (SELECT DISTINCT date_bin('1 hour', minute, timestamptz '1970-01-01 00:00:00+00') AS hour FROM access_host_minute) h
            WHERE hour < date_bin('1 hour', now(), timestamptz '1970-01-01 00:00:00+00')
              AND NOT EXISTS (SELECT 1 FROM access_hour_leaders l WHERE l.hour = h.hour)
            """, connection);
        var watch = Stopwatch.StartNew();
        while ((long)(await command.ExecuteScalarAsync())! > 0 && watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(1000);
        }
        Console.WriteLine($"read: hourly leaderboards ready after {watch.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task AnalyzeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Times the calls, issued together as a page issues them, <paramref name="repetitions"/> times after a warm-up.</summary>
    private static async Task ReportAsync(HttpClient client, string name, string[] paths, int repetitions)
    {
        List<double> millis = [];
        long bytes = 0;
        for (var i = -5; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            var bodies = await Task.WhenAll(paths.Select(async path =>
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadAsByteArrayAsync()).LongLength;
            }));
            if (i >= 0)
            {
                millis.Add(watch.Elapsed.TotalMilliseconds);
                bytes = bodies.Sum();
            }
        }
        millis.Sort();
        Console.WriteLine($"  {name,-62} p50 {millis[millis.Count / 2],6:F1} ms  p95 {millis[(int)(millis.Count * 0.95)],6:F1} ms  max {millis[^1],6:F1} ms  ({bytes / 1024.0:F0} KiB)");
    }
}
