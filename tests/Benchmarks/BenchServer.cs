using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Dashboard.Server.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Benchmarks;

/// <summary>
/// PostgreSQL (the embedded launcher, durable settings as in production) and the Release server as its
/// own process on a loopback port, as an operator runs them.
/// </summary>
internal sealed partial class BenchServer : IAsyncDisposable
{
    private readonly EmbeddedPostgres _postgres;
    private readonly Process _server;
    private readonly string _folder;

    private BenchServer(EmbeddedPostgres postgres, Process server, string folder, Uri baseAddress)
    {
        _postgres = postgres;
        _server = server;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public const string AdminPassword = "benchmark operator";

    public Uri BaseAddress { get; }
    public string ConnectionString => _postgres.ConnectionString;
    public int ServerPid => _server.Id;

    /// <param name="serverFolder">A published server to run (the UI needs its static files); null runs the one beside this program.</param>
    public static async Task<BenchServer> StartAsync(string? serverFolder = null)
    {
        // DASHBOARD_BENCH_KEEP names a folder to keep the cluster in afterwards (to look at plans with psql).
        var folder = Environment.GetEnvironmentVariable("DASHBOARD_BENCH_KEEP") is { Length: > 0 } keep
            ? keep
            : Path.Combine(Path.GetTempPath(), "aid-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(folder) { AdoptRunningCluster = true }, NullLogger.Instance);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = serverFolder ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(serverFolder ?? AppContext.BaseDirectory, "Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ConnectionStrings__Dashboard"] = postgres.ConnectionString;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["DASHBOARD_ADMIN_PASSWORD"] = AdminPassword;
        var server = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>();
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ListeningPattern().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return new BenchServer(postgres, server, folder, address);
    }

    /// <summary>Adds a host through the executable's own command and returns its ingest token.</summary>
    public Task<string> AddHostAsync(string name, string timeZone = "UTC") => RunCommandAsync("hosts", "add", name, "--timezone", timeZone);

    public Task<string> AddReaderAsync() => RunCommandAsync("tokens", "add-reader", "bench");

    public HttpClient Client(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The server process's resident set now, in bytes.</summary>
    public long ServerRssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_server.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>CPU seconds (user + system) the server process and all PostgreSQL processes have used so far.</summary>
    public (double Server, double Postgres) CpuSeconds()
    {
        var postgres = 0.0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && ReadComm(pid) == "postgres")
            {
                postgres += ProcessCpuSeconds(pid);
            }
        }
        return (ProcessCpuSeconds(_server.Id), postgres);
    }

    private static string? ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double ProcessCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15 (in clock ticks of 1/100 s).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task<string> RunCommandAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__Dashboard"] = _postgres.ConnectionString;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _server.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await _server.WaitForExitAsync();
        }
        _server.Dispose();
        await _postgres.DisposeAsync();
        if (Environment.GetEnvironmentVariable("DASHBOARD_BENCH_KEEP") is not { Length: > 0 })
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
