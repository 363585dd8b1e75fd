using System.Globalization;
using BenchmarkDotNet.Running;
using Dashboard.Benchmarks;

// Run in Release: dotnet run -c Release --project tests/Benchmarks -- <benchmark> [options]
//   parse                          the access-log parser on one core (BenchmarkDotNet)
//   parse-file FILE                parse a whole file once and print the rate (to time against GoAccess)
//   generate FILE [LINES]          write generated combined lines to FILE (default 1,000,000)
//   ingest [LINES] [BATCH] [CONCURRENCY] [RUNS] [REQUESTS-PER-VISIT]
//                                  ours over HTTP against a raw binary COPY of the same rows (1 per visit: worst case)
//   detection [LINES] [BATCH] [CONCURRENCY] [RUNS]
//                                  the same ingest with detection on and off, and how soon an attack's alert is served
//   read [LINES] [REPETITIONS]     the read API at LINES stored lines over 24 h (default 10,000,000)
//   ui [LINES] [RUNS]              navigation to a drawn overview in Chromium, cold and warm, and the client's download
static int Number(string[] args, int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "parse":
        BenchmarkRunner.Run<ParseBenchmark>(args: args[1..]);
        return 0;
    case "parse-file" when args.Length == 2:
        return await ParseFile.RunAsync(args[1]);
    case "generate" when args.Length >= 2:
        return ParseFile.Generate(args[1], Number(args, 2, 1_000_000));
    case "ingest":
        await IngestBenchmark.RunAsync(Number(args, 1, 1_000_000), Number(args, 2, 10_000), Number(args, 3, 2), Number(args, 4, 5), Number(args, 5, 15));
        return 0;
    case "detection":
        await DetectionBenchmark.RunAsync(Number(args, 1, 500_000), Number(args, 2, 1_000), Number(args, 3, 4), Number(args, 4, 5));
        return 0;
    case "read":
        await ReadBenchmark.RunAsync(Number(args, 1, 10_000_000), Number(args, 2, 50));
        return 0;
    case "ui":
        await OverviewLoadBenchmark.RunAsync(Number(args, 1, 10_000_000), Number(args, 2, 5));
        return 0;
    default:
        Console.Error.WriteLine("usage: Benchmarks parse | parse-file FILE | generate FILE [LINES] | ingest [LINES] [BATCH] [CONCURRENCY] [RUNS] [REQUESTS-PER-VISIT] | detection [LINES] [BATCH] [CONCURRENCY] [RUNS] | read [LINES] [REPETITIONS] | ui [LINES] [RUNS]");
        return 2;
}
