using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Benchmarks;

/// <summary>
/// End-to-end ingest (HTTP POST of raw lines → parse → binary COPY + rollup upserts, committed before 200)
/// against a raw binary COPY of the same, already parsed, rows into the same table with the same indexes,
/// on the same server, alternating run by run so that drift in the machine's speed hits both alike.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task RunAsync(int lineCount, int batchLines, int concurrency, int runs, int requestsPerVisit)
    {
        await using var server = await BenchServer.StartAsync();
        var token = await server.AddHostAsync("bench");
        var lines = LastHourLines(lineCount, requestsPerVisit);
        var bodies = Bodies(lines, batchLines);
        var rows = ParsedRows.From(lines).Chunk(batchLines).ToArray();
        var hostId = await HostIdAsync(server.ConnectionString, "bench");
        Console.WriteLine($"ingest: {lineCount:N0} combined lines ({bodies.Sum(b => (long)b.Length) / 1e6:F0} MB, ~{requestsPerVisit} requests per visit) in batches of {batchLines:N0}, {concurrency} at a time, {runs} runs each");

        using var client = server.Client(token);
        // A whole pass first, so that the server's tiered JIT has settled and both sides start warm.
        await IngestOverHttpAsync(client, bodies, concurrency);
        await ResetAsync(server.ConnectionString);
        await CopyAsync(server.ConnectionString, hostId, rows, concurrency);
        await ResetAsync(server.ConnectionString);

        List<double> ours = [], raw = [], ratios = [];
        long peakRss = 0;
        for (var run = 0; run < runs; run++)
        {
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, server.ServerRssBytes());
                    await Task.Delay(50);
                }
            });
            var cpuBefore = (server.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var oursSeconds = await TimeAsync(() => IngestOverHttpAsync(client, bodies, concurrency));
            var oursCpu = Used(cpuBefore, server);
            if (run == 0)
            {
                Console.WriteLine($"  rollup rows per line: {await RollupRowsPerLineAsync(server.ConnectionString, lineCount):F3} per-minute, {await RollupRowsPerLineAsync(server.ConnectionString, lineCount, "access_hour"):F3} per-hour");
            }
            await sampling.CancelAsync();
            await sampler;
            await VerifyCountAsync(server.ConnectionString, lineCount);
            await ResetAsync(server.ConnectionString);

            cpuBefore = (server.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var rawSeconds = await TimeAsync(() => CopyAsync(server.ConnectionString, hostId, rows, concurrency));
            var rawCpu = Used(cpuBefore, server);
            await VerifyCountAsync(server.ConnectionString, lineCount);
            await ResetAsync(server.ConnectionString);

            ours.Add(lineCount / oursSeconds);
            raw.Add(lineCount / rawSeconds);
            ratios.Add(rawSeconds / oursSeconds);
            Console.WriteLine($"  run {run + 1}: ours {lineCount / oursSeconds,10:N0} lines/s   raw COPY {lineCount / rawSeconds,10:N0} rows/s   ratio {rawSeconds / oursSeconds:F2}"
                + $"   CPU s ours: server {oursCpu.Server:F1}, postgres {oursCpu.Postgres:F1}, client {oursCpu.Client:F1}; raw: postgres {rawCpu.Postgres:F1}, client {rawCpu.Client:F1}");
        }
        Console.WriteLine($"ingest median: ours {Median(ours):N0} lines/s, raw binary COPY {Median(raw):N0} rows/s, ours/raw {Median(ratios):F2} (min {ratios.Min():F2}, max {ratios.Max():F2}); server peak RSS {peakRss / 1e6:F0} MB");
    }

    /// <summary>Generated lines over the 50 minutes that ended 10 minutes ago, written in a +02:00 zone.</summary>
    public static string[] LastHourLines(int lineCount, int requestsPerVisit)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        return new AccessLogGenerator(requestsPerVisit: requestsPerVisit)
            .Lines(lineCount, new DateTimeOffset(start.DateTime, TimeSpan.FromHours(2)).AddHours(2), TimeSpan.FromMinutes(50)).ToArray();
    }

    public static byte[][] Bodies(IEnumerable<string> lines, int batchLines) =>
        lines.Chunk(batchLines).Select(chunk => Encoding.UTF8.GetBytes(string.Join('\n', chunk) + "\n")).ToArray();

    /// <summary>Posts every body, <paramref name="concurrency"/> at a time; each 200 means committed.</summary>
    public static async Task IngestOverHttpAsync(HttpClient client, byte[][] bodies, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies[index]);
                content.Headers.ContentType = new("text/plain");
                using var response = await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
    }

    private const string CopySql = """
        COPY access_log (host_id, time, id, client_ip, remote_user, method, path, protocol, status, bytes, referer, user_agent,
                         response_time_us, vhost, extra)
        FROM STDIN (FORMAT BINARY)
        """;

    private static async Task CopyAsync(string connectionString, int hostId, ParsedRow[][] batches, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Length)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var importer = await connection.BeginBinaryImportAsync(CopySql))
                {
                    var id = (long)index << 32;
                    foreach (var row in batches[index])
                    {
                        importer.StartRow();
                        importer.Write(hostId, NpgsqlDbType.Integer);
                        importer.Write(row.Time, NpgsqlDbType.TimestampTz);
                        importer.Write(id++, NpgsqlDbType.Bigint);
                        importer.Write(row.Ip, NpgsqlDbType.Inet);
                        WriteText(importer, row.RemoteUser);
                        WriteText(importer, row.Method);
                        WriteText(importer, row.Path);
                        WriteText(importer, row.Protocol);
                        importer.Write(row.Status, NpgsqlDbType.Smallint);
                        importer.Write(row.Bytes, NpgsqlDbType.Bigint);
                        WriteText(importer, row.Referer);
                        WriteText(importer, row.UserAgent);
                        // combined logs no response time, virtual host or extra field: the server writes NULLs too.
                        importer.WriteNull();
                        importer.WriteNull();
                        importer.WriteNull();
                    }
                    await importer.CompleteAsync();
                }
                await transaction.CommitAsync();
            }
        }));
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }

    public static (double Server, double Postgres, double Client) Used(((double Server, double Postgres) Processes, double Client) before, BenchServer server)
    {
        var (serverNow, postgresNow) = server.CpuSeconds();
        return (serverNow - before.Processes.Server, postgresNow - before.Processes.Postgres,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - before.Client);
    }

    public static async Task<double> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<int> HostIdAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM hosts WHERE name = $1", connection) { Parameters = { new() { Value = name } } };
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public static async Task VerifyCountAsync(string connectionString, int expected)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM access_log", connection);
        var stored = (long)(await command.ExecuteScalarAsync())!;
        if (stored != expected)
        {
            throw new InvalidOperationException($"stored {stored} rows, expected {expected}");
        }
    }

    private static async Task<double> RollupRowsPerLineAsync(string connectionString, int lineCount, string table = "access_minute")
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())! / (double)lineCount;
    }

    public static async Task ResetAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "TRUNCATE access_log, access_minute, access_hour, access_host_minute, ingest_batches, rejected_lines; CHECKPOINT", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
