using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Server.Data.Embedded;
using Dashboard.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// The real server executable with its embedded PostgreSQL in a temp folder, on a fixed loopback port
/// so that it can be stopped and started again where the shipper expects it. Shared by every test of
/// the collection; each test ships as a host of its own.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime, IDisposable
{
    private const string AdminPassword = "ship tests operator password";
    private readonly TempFolder _data = new();
    private ServerProcess? _process;
    private HttpClient? _operator;
    private HttpClient? _reader;
    private int _hosts;

    public int Port { get; } = LoopbackPort.Free();

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public string DataPath => _data.Path;

    /// <summary>The dashboard database, through the embedded cluster's unix socket.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        if (_process is not null)
        {
            return;
        }
        _process = await ServerProcess.StartServerAsync(ServerLaunch.Built(_data.Path) with
        {
            Port = Port,
            Environment = new Dictionary<string, string> { ["DASHBOARD_ADMIN_PASSWORD"] = AdminPassword },
        });
        // The server owns the cluster it started: this finds it running, without adopting it (disposing it stops nothing).
        await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_data.Path), NullLogger.Instance);
        ConnectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString;
    }

    /// <summary>Stops the server and its database (SIGTERM, as systemd would): the port refuses connections.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        await _process.StopAsync();
        await _process.DisposeAsync();
        _process = null;
        _operator?.Dispose();
        _operator = null;
    }

    /// <summary>A new host with its ingest token; names are unique within the run unless given.</summary>
    public async Task<HostToken> AddHostAsync(string timeZone = "UTC", string? name = null)
    {
        name ??= $"ship-{Interlocked.Increment(ref _hosts)}";
        var client = await OperatorAsync();
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/admin/hosts", UriKind.Relative), new HostRequest(name, timeZone, null));
        response.EnsureSuccessStatusCode();
        var issued = (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
        return new HostToken(name, issued.Id, issued.Token);
    }

    /// <summary>A read token for the read API, as <c>tokens add-reader NAME</c> prints one.</summary>
    public async Task<string> AddReadTokenAsync(string name)
    {
        var client = await OperatorAsync();
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/admin/tokens", UriKind.Relative), new ReaderRequest(name));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!.Token;
    }

    public async Task RevokeTokenAsync(int id)
    {
        var client = await OperatorAsync();
        var response = await client.DeleteAsync(new Uri($"/api/v1/admin/tokens/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>
    /// Makes the dashboard database refuse connections (and drops the server's), so that ingest answers
    /// 503 + Retry-After as it does when PostgreSQL is down; or lets it accept them again.
    /// </summary>
    public async Task SetDatabaseAvailableAsync(bool available)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString;
        await Sql.ExecuteAsync(admin, $"ALTER DATABASE dashboard ALLOW_CONNECTIONS {(available ? "true" : "false")}");
        if (!available)
        {
            await Sql.ExecuteAsync(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'dashboard'");
        }
    }

    /// <summary>A host's client addresses as the read API ranks them (<c>GET /api/v1/ips</c>), with a read token.</summary>
    public async Task<List<IpSummary>> IpsAsync(string host, DateTimeOffset from, DateTimeOffset to)
    {
        if (_reader is null)
        {
            var reader = new HttpClient { BaseAddress = Url };
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AddReadTokenAsync("ship tests"));
            _reader = reader;
        }
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/ips?host={host}&from={Uri.EscapeDataString(from.ToString("o"))}&to={Uri.EscapeDataString(to.ToString("o"))}&limit=1000");
        return (await _reader.GetFromJsonAsync<List<IpSummary>>(new Uri(query, UriKind.Relative)))!;
    }

    public Task<long> CountAsync(string sql, string host) => Sql.CountAsync(ConnectionString, sql, host);

    public Task<long> AccessLinesAsync(string host) =>
        CountAsync("SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = $1", host);

    /// <summary>Paths stored more than once: a repeated line.</summary>
    public async Task<List<string>> RepeatedPathsAsync(string host) =>
        [.. (await Sql.RowsAsync(ConnectionString,
            "SELECT a.path FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = $1 GROUP BY a.path HAVING count(*) > 1",
            host)).Select(row => (string)row[0]!)];

    public Task<long> RejectedLinesAsync(string host) =>
        CountAsync("SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = $1", host);

    public async Task DisposeAsync()
    {
        await StopAsync();
        await StrayPostgres.StopAsync(_data.Path);
    }

    public void Dispose()
    {
        _operator?.Dispose();
        _reader?.Dispose();
        _data.Dispose();
    }

    private async Task<HttpClient> OperatorAsync()
    {
        if (_operator is not null)
        {
            return _operator;
        }
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new LoginRequest("admin", AdminPassword));
        response.EnsureSuccessStatusCode();
        return _operator = client;
    }
}

public sealed record HostToken(string Name, int TokenId, string Token);

[CollectionDefinition(Name)]
public sealed class SharedDashboard : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard server";
}
