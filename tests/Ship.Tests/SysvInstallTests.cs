using System.Diagnostics;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// <c>aid-ship install --root DIR</c> run by CentOS 6's bash into an image without systemd: the same command that
/// writes systemd units elsewhere writes SysV init scripts, enabled as chkconfig enables them.
/// </summary>
public sealed class SysvInstallTests : IDisposable
{
    private const string Token = "aid_ingest_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private static readonly string[] Services = ["aid-ship-access", "aid-ship-syslog", "aid-ship-meminfo"];
    private readonly Shipper _shipper = new(new Uri("http://127.0.0.1:9"), "unused") { Userland = Userland.CentOs6 };

    private string Root => Path.Combine(_shipper.FolderPath, "root");

    [Fact]
    public async Task An_image_without_systemd_gets_three_init_scripts_with_chkconfig_and_lsb_headers_started_in_runlevels_2_to_5()
    {
        Directory.CreateDirectory(Path.Combine(Root, "etc", "rc.d", "init.d"));

        var exitCode = await InstallAsync();

        Assert.Equal(0, exitCode);
        Assert.False(Directory.Exists(Path.Combine(Root, "etc", "systemd")));
        Assert.Contains("AID_URL='https://dashboard.example:8443'", File.ReadAllLines(Path.Combine(Root, "etc", "aid-ship.conf")));
        foreach (var service in Services)
        {
            var script = InitScript(service);
            var lines = File.ReadAllLines(script);
            Assert.Equal("#!/bin/bash", lines[0]);
            Assert.Contains("# chkconfig: 2345 95 05", lines);
            Assert.Contains($"# pidfile: /var/run/{service}.pid", lines);
            var lsb = lines.SkipWhile(l => l != "### BEGIN INIT INFO").TakeWhile(l => l != "### END INIT INFO").ToList();
            Assert.Contains($"# Provides:          {service}", lsb);
            Assert.Contains("# Default-Start:     2 3 4 5", lsb);
            Assert.Contains("# Default-Stop:      0 1 6", lsb);
            Assert.Contains(lsb, l => l.StartsWith("# Required-Start:", StringComparison.Ordinal) && l.Contains("$network", StringComparison.Ordinal));
            Assert.Contains("### END INIT INFO", lines);
            Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute | UnixFileMode.OtherExecute));
            Assert.Equal((0, ""), await SyntaxCheckAsync(script));
            foreach (var level in (int[])[2, 3, 4, 5])
            {
                Assert.Equal($"../init.d/{service}", RcLink(level, $"S95{service}"));
            }
            foreach (var level in (int[])[0, 1, 6])
            {
                Assert.Equal($"../init.d/{service}", RcLink(level, $"K05{service}"));
            }
        }
        Assert.Contains("ARGS=(access /var/log/httpd/access_log)", File.ReadAllLines(InitScript("aid-ship-access")));
        Assert.Contains("ARGS=(syslog /var/log/messages)", File.ReadAllLines(InitScript("aid-ship-syslog")));
        Assert.Contains("ARGS=(meminfo)", File.ReadAllLines(InitScript("aid-ship-meminfo")));
        Assert.Contains("copytruncate", File.ReadAllText(Path.Combine(Root, "etc", "logrotate.d", "aid-ship")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_command_writes_systemd_units_for_an_image_with_systemd()
    {
        // CentOS 7: init.d for a few legacy scripts, and systemd.
        Directory.CreateDirectory(Path.Combine(Root, "etc", "rc.d", "init.d"));
        Directory.CreateDirectory(Path.Combine(Root, "usr", "lib", "systemd"));
        await File.WriteAllTextAsync(Path.Combine(Root, "usr", "lib", "systemd", "systemd"), "");

        var exitCode = await InstallAsync();

        Assert.Equal(0, exitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, "etc", "rc.d", "init.d")));
        Assert.All(Services, service => Assert.True(File.Exists(Path.Combine(Root, "etc", "systemd", "system", $"{service}.service"))));
    }

    private Task<int> InstallAsync() =>
        _shipper.RunAsync("install", "--root", Root, "--url", "https://dashboard.example:8443", "--token", Token,
            "--access-log", "/var/log/httpd/access_log", "--syslog", "/var/log/messages");

    private string InitScript(string service) => Path.Combine(Root, "etc", "rc.d", "init.d", service);

    private string? RcLink(int level, string name) => new FileInfo(Path.Combine(Root, "etc", "rc.d", $"rc{level}.d", name)).LinkTarget;

    /// <summary><c>bash -n</c> by CentOS 6's bash: its exit code and what it printed.</summary>
    private static async Task<(int, string)> SyntaxCheckAsync(string script)
    {
        var bash = await Processes.RunAsync(new ProcessStartInfo(Userland.CentOs6.Bash, ["-n", script]));
        return (bash.ExitCode, bash.Stderr);
    }

    public void Dispose() => _shipper.Dispose();
}
