using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Server.Hosts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// The real server (every service, migrations at start-up) on a fresh database of its own, with a
/// clock the tests set. One per test class (<c>IClassFixture&lt;DashboardApp&gt;</c>).
/// </summary>
public class DashboardApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminPassword = "correct horse battery staple";

    private readonly string? _sharedConnectionString;

    public DashboardApp()
    {
    }

    /// <summary>A second server on another app's database (a restart, or a second replica).</summary>
    protected DashboardApp(string connectionString) => _sharedConnectionString = connectionString;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Starts at the moment the 2015 incident's logs were shipped; tests move it as they need.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2015, 8, 17, 4, 0, 0, TimeSpan.Zero));

    /// <summary>The server's clock: <see cref="Clock"/>, unless a test class needs the real one.</summary>
    protected virtual TimeProvider ServerClock => Clock;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = _sharedConnectionString ?? await PostgresCluster.CreateDatabaseAsync(GetType().Name);
        // Starts the server now, so that the first test does not pay for migrations inside its own timing.
        _ = Services;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Dashboard", ConnectionString);
        builder.UseSetting("DASHBOARD_ADMIN_PASSWORD", AdminPassword);
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services => services.AddSingleton(ServerClock));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Configuration a test class needs on top of the defaults.</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    public async Task<string> AddHostAsync(string name, string timeZone = "UTC", string logFormat = "combined")
    {
        await using var scope = Services.CreateAsyncScope();
        var registry = ActivatorUtilities.CreateInstance<HostRegistry>(scope.ServiceProvider);
        var (_, token, error) = await registry.AddHostAsync(name, timeZone, logFormat, CancellationToken.None);
        return token?.Token ?? throw new InvalidOperationException(error);
    }

    public async Task<string> AddReaderAsync(string name = "test reader")
    {
        await using var scope = Services.CreateAsyncScope();
        var registry = ActivatorUtilities.CreateInstance<HostRegistry>(scope.ServiceProvider);
        var (token, error) = await registry.AddReadTokenAsync(name, CancellationToken.None);
        return token?.Token ?? throw new InvalidOperationException(error);
    }

    /// <summary>A client signed in as the first operator, with the header state-changing calls need.</summary>
    public async Task<HttpClient> OperatorClientAsync()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        var response = await client.PostAsJsonAsync("/api/v1/session", new Dashboard.Shared.LoginRequest("admin", AdminPassword));
        response.EnsureSuccessStatusCode();
        return client;
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_sharedConnectionString is null)
        {
            await PostgresCluster.DropDatabaseAsync(ConnectionString);
        }
    }
}

/// <summary>The server started again on the same database, as after a restart.</summary>
public sealed class RestartedApp(string connectionString) : DashboardApp(connectionString);

/// <summary>The server on a database of the test's own making (a cluster it kills, a tablespace that fills).</summary>
public sealed class AppOnDatabase(string connectionString) : DashboardApp(connectionString);
