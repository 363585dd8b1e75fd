using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>The configuration <c>install</c> writes is the one the installed script reads.</summary>
[Collection(SharedDashboard.Name)]
public sealed class InstalledShipperTests(DashboardServer server) : IAsyncLifetime, IDisposable
{
    private readonly Shipper _shipper = new(server.Url, "unused");

    public Task InitializeAsync() => server.StartAsync();

    [Fact]
    public async Task The_installed_script_ships_with_the_installed_configuration()
    {
        var host = await server.AddHostAsync();
        var root = Path.Combine(_shipper.FolderPath, "root");
        using (var log = new AccessLog(Path.Combine(_shipper.LogsPath, "access.log")))
        {
            log.Write(12);
        }
        await _shipper.RunAsync("install", "--root", root, "--url", server.Url.ToString(), "--token", host.Token,
            "--access-log", Path.Combine(_shipper.LogsPath, "access.log"), "--state-dir", "/state");

        // What systemd would run, in the image: its own configuration (AID_SHIP_CONF), its state folder.
        _shipper.Variables["AID_SHIP_CONF"] = Path.Combine(root, "etc", "aid-ship.conf");
        _shipper.Variables["AID_STATE_DIR"] = Path.Combine(root, "state");
        _shipper.ScriptPath = Path.Combine(root, "usr", "local", "bin", "aid-ship");
        var exitCode = await _shipper.RunAsync("once", "access", Path.Combine(_shipper.LogsPath, "access.log"));

        Assert.Equal(0, exitCode);
        Assert.Equal(12, await server.AccessLinesAsync(host.Name));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _shipper.Dispose();
}
