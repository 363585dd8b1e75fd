
namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// A test of aid-ship following an Apache access log into the shared server: each test has a host of its own,
/// and a shipper and log it prepares with the settings it needs.
/// </summary>
public abstract class AccessLogShippingTest(DashboardServer server) : IAsyncLifetime, IDisposable
{
    protected DashboardServer Server => server;

    protected Shipper Shipper { get; private set; } = null!;

    protected HostToken Host { get; private set; } = null!;

    protected AccessLog Log { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await server.StartAsync();
        Host = await server.AddHostAsync();
    }

    protected void Prepare(params (string Key, string Value)[] settings) => Prepare(Userland.Machine, settings);

    protected void Prepare(Userland userland, params (string Key, string Value)[] settings)
    {
        Shipper = new Shipper(server.Url, Host.Token, settings) { Userland = userland };
        Log = new AccessLog(Path.Combine(Shipper.LogsPath, "access.log"));
    }

    protected async Task AssertEveryLineShippedOnceAsync()
    {
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), $"all {Log.Written} lines are shipped", () => Shipper.Log);
        Assert.Empty(await server.RepeatedPathsAsync(Host.Name));
        Assert.Equal(Log.Written, await server.AccessLinesAsync(Host.Name));
        Assert.Equal(0, await server.RejectedLinesAsync(Host.Name));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Log?.Dispose();
        Shipper?.Dispose();
        GC.SuppressFinalize(this);
    }
}
