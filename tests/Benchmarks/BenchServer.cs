using System.Globalization;
using System.Net.Http.Headers;
using Dashboard.Server.Data.Embedded;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Benchmarks;

/// <summary>
/// PostgreSQL (the embedded launcher, durable settings as in production) and the Release server as its
/// own process on a loopback port, as an operator runs them; what they cost in CPU and memory.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly EmbeddedPostgres _postgres;
    private readonly ServerLaunch _launch;
    private readonly ServerProcess _server;
    private readonly string _folder;

    private BenchServer(EmbeddedPostgres postgres, ServerLaunch launch, ServerProcess server, string folder)
    {
        _postgres = postgres;
        _launch = launch;
        _server = server;
        _folder = folder;
    }

    public const string AdminPassword = "benchmark operator";

    public Uri BaseAddress => _server.BaseAddress;
    public string ConnectionString => _postgres.ConnectionString;

    /// <param name="serverFolder">A published server to run (the UI needs its static files); null runs the one beside this program.</param>
    /// <param name="settings">Configuration for the server, as environment variables (<c>Dashboard__Detection__Enabled</c>).</param>
    public static async Task<BenchServer> StartAsync(string? serverFolder = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        // DASHBOARD_BENCH_KEEP names a folder to keep the cluster in afterwards (to look at plans with psql).
        var folder = Environment.GetEnvironmentVariable("DASHBOARD_BENCH_KEEP") is { Length: > 0 } keep
            ? keep
            : Path.Combine(Path.GetTempPath(), "aid-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(folder) { AdoptRunningCluster = true }, NullLogger.Instance);
        var launch = new ServerLaunch(serverFolder ?? AppContext.BaseDirectory)
        {
            ConnectionString = postgres.ConnectionString,
            Environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                ["DASHBOARD_ADMIN_PASSWORD"] = AdminPassword,
            },
            Echo = line => Console.Error.WriteLine("server: " + line),
        };
        return new BenchServer(postgres, launch, await ServerProcess.StartServerAsync(launch), folder);
    }

    /// <summary>Adds a host through the executable's own command and returns its ingest token.</summary>
    public Task<string> AddHostAsync(string name, string timeZone = "UTC") => ServerProcess.RunCheckedAsync(_launch, "hosts", "add", name, "--timezone", timeZone);

    public Task<string> AddReaderAsync() => ServerProcess.RunCheckedAsync(_launch, "tokens", "add-reader", "bench");

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
    public (double Server, double Postgres) CpuSeconds() =>
        (Processes.CpuSeconds(_server.Id), Processes.Named("postgres").Sum(Processes.CpuSeconds));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
        if (Environment.GetEnvironmentVariable("DASHBOARD_BENCH_KEEP") is not { Length: > 0 })
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
