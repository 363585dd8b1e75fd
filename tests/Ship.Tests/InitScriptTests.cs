using System.Globalization;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// The SysV init script <c>install</c> writes for a host without systemd, run as CentOS 6 runs it (bash 4.1, curl
/// 7.19.7) from the image it was written to (<c>AID_SHIP_ROOT</c>): it starts the shipper, reports it, starts it
/// again when it dies, and stops it and everything it started.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class InitScriptTests(DashboardServer server) : IAsyncLifetime, IDisposable
{
    private readonly Shipper _shipper = new(server.Url, "unused") { Userland = Userland.CentOs6 };

    private string Root => Path.Combine(_shipper.FolderPath, "root");

    private string PidFile => Path.Combine(Root, "var", "run", "aid-ship-access.pid");

    private string ServiceLog => Path.Combine(Root, "var", "log", "aid-ship.log");

    public Task InitializeAsync() => server.StartAsync();

    [Fact]
    public async Task The_init_script_starts_reports_restarts_and_stops_the_shipper()
    {
        var host = await server.AddHostAsync();
        Directory.CreateDirectory(Path.Combine(Root, "etc", "rc.d", "init.d"));
        using var log = new AccessLog(Path.Combine(_shipper.LogsPath, "access_log"));
        log.Write(12);
        Assert.Equal(0, await _shipper.RunAsync("install", "--root", Root, "--url", server.Url.ToString(), "--token", host.Token,
            "--access-log", log.Path, "--syslog", Path.Combine(_shipper.LogsPath, "messages")));
        _shipper.ScriptPath = Path.Combine(Root, "etc", "rc.d", "init.d", "aid-ship-access");
        _shipper.Variables["AID_SHIP_ROOT"] = Root;
        // The environment wins over the installed configuration: batches of a test's pace, not of 5 s.
        _shipper.Variables["AID_BATCH_SECONDS"] = "0.3";
        _shipper.Variables["AID_POLL_SECONDS"] = "0.1";

        var started = await _shipper.RunAsync("start");
        await Wait.UntilAsync(async () => await server.AccessLinesAsync(host.Name) == 12, "the log is shipped", Diagnostics);
        var running = await _shipper.RunAsync("status");
        var supervisor = int.Parse(await File.ReadAllTextAsync(PidFile), CultureInfo.InvariantCulture);
        var shipper = Assert.Single(ShippersUnder(supervisor));

        // The OOM killer takes the shipper: it is started again, and goes on from where it was.
        await Shipper.KillAsync(System.Diagnostics.Process.GetProcessById(shipper));
        await Wait.UntilAsync(() => ShippersUnder(supervisor) is [var again] && again != shipper, "the shipper is started again", Diagnostics);
        log.Write(8);
        await Wait.UntilAsync(async () => await server.AccessLinesAsync(host.Name) == 20, "later lines are shipped", Diagnostics);

        var stopped = await _shipper.RunAsync("stop");
        var afterStop = await _shipper.RunAsync("status");

        Assert.Equal((0, 0, 0, 3), (started, running, stopped, afterStop));
        Assert.Contains("Starting aid-ship-access: OK", _shipper.Log, StringComparison.Ordinal);
        Assert.Contains($"aid-ship-access (pid {supervisor}) is running...", _shipper.Log, StringComparison.Ordinal);
        Assert.Contains("aid-ship-access is stopped", _shipper.Log, StringComparison.Ordinal);
        Assert.False(File.Exists(PidFile));
        Assert.Empty(Processes.WithCommandLineContaining(Root));
        Assert.Contains("aid-ship ended (status 137); starting it again", await File.ReadAllTextAsync(ServiceLog), StringComparison.Ordinal);
        Assert.Empty(await server.RepeatedPathsAsync(host.Name));
    }

    private static List<int> ShippersUnder(int supervisor) =>
        [.. Processes.WithCommandLineContaining("/usr/local/bin/aid-ship access").Where(pid => Processes.ParentOf(pid) == supervisor && Processes.IsAlive(pid))];

    private string Diagnostics() => _shipper.Log + (File.Exists(ServiceLog) ? File.ReadAllText(ServiceLog) : "(no service log)");

    public async Task DisposeAsync()
    {
        // The supervisor left the test's process tree (a session of its own): stop it if the test did not.
        if (File.Exists(PidFile))
        {
            await _shipper.RunAsync("stop");
        }
    }

    public void Dispose() => _shipper.Dispose();
}
