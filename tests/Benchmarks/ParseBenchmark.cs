using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Dashboard.Server.Ingest;
using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Benchmarks;

/// <summary>The access-log parser alone, on one core: <c>combined</c> lines of a realistic mix.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ParseBenchmark
{
    public const int Lines = 1_000_000;
    private string[] _lines = [];
    private AccessLineParser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _lines = [.. new AccessLogGenerator().Lines(Lines, new DateTimeOffset(2015, 8, 17, 0, 0, 0, TimeSpan.FromHours(9)), TimeSpan.FromDays(1))];
        LogFormat.TryCompile("combined", out var format, out _);
        _parser = format!.CreateParser(TimeZoneInfo.Utc);
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseCombined()
    {
        var parsed = 0;
        foreach (var line in _lines)
        {
            if (_parser.TryParse(line, out _, out _))
            {
                parsed++;
            }
        }
        return parsed;
    }
}

/// <summary>
/// Reads a whole file the way the server reads a body (the line reader over bytes, UTF-8 decoded into
/// one reused buffer, parsed) on one core and prints the rate: the same job GoAccess does when it reads
/// a log, so that the two can be timed whole, side by side (e.g. with /usr/bin/time).
/// </summary>
internal static class ParseFile
{
    public static async Task<int> RunAsync(string path)
    {
        LogFormat.TryCompile("combined", out var format, out _);
        using var batch = new IngestBatch(new IngestHost(0, "bench", "UTC", "combined"), "access", new AcceptedTimes(DateTime.UtcNow), rowIds: null!);
        using var sink = new CountingLines(batch, format!.CreateParser(TimeZoneInfo.Utc));
        var watch = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            await LineReader.ReadAsync(file, sink, CancellationToken.None);
        }
        Console.WriteLine($"parsed {sink.Parsed:N0} lines ({sink.Rejected + batch.Rejected.Count:N0} rejected) in {watch.Elapsed.TotalSeconds:F2} s: {sink.Parsed / watch.Elapsed.TotalSeconds:N0} lines/s");
        return 0;
    }

    /// <summary>Parses and counts; stores nothing and never checkpoints.</summary>
    private sealed class CountingLines(IngestBatch batch, AccessLineParser parser) : BodyParser(batch, NoCheckpoints.Instance)
    {
        public long Parsed { get; private set; }
        public long Rejected { get; private set; }

        public override void AddLine(int number, ReadOnlySpan<char> line)
        {
            if (parser.TryParse(line, out _, out _))
            {
                Parsed++;
            }
            else
            {
                Rejected++;
            }
        }

        public override void OnRecord(int number, System.Text.Json.JsonElement record) => Rejected++;
    }

    private sealed class NoCheckpoints : IBatchCheckpoint
    {
        public static readonly NoCheckpoints Instance = new();

        public bool NeedsCheckpoint => false;

        public Task CheckpointAsync(CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>Writes <paramref name="lines"/> generated combined lines, for GoAccess and for <see cref="Run"/>.</summary>
    public static int Generate(string path, int lines)
    {
        using var writer = new StreamWriter(path);
        foreach (var line in new AccessLogGenerator().Lines(lines, new DateTimeOffset(2015, 8, 17, 0, 0, 0, TimeSpan.FromHours(9)), TimeSpan.FromDays(1)))
        {
            writer.WriteLine(line);
        }
        return 0;
    }
}
