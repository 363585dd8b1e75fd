using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary><c>aid-ship install --root DIR</c>: what the one-command install writes for systemd, checked in an image folder.</summary>
public sealed class InstallTests : IDisposable
{
    private const string Token = "aid_ingest_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private static readonly string[] Streams = ["access", "syslog", "meminfo"];
    private readonly Shipper _shipper = new(new Uri("http://127.0.0.1:9"), "unused");

    private string Root => Path.Combine(_shipper.FolderPath, "root");

    [Fact]
    public async Task Install_writes_a_private_configuration_the_script_and_three_enabled_units()
    {
        var exitCode = await _shipper.RunAsync("install", "--root", Root, "--url", "https://dashboard.example:8443",
            "--token", Token, "--access-log", "/var/log/apache2/access.log", "--syslog", "/var/log/messages", "--timezone", "Europe/Berlin");

        Assert.Equal(0, exitCode);
        var config = Path.Combine(Root, "etc", "aid-ship.conf");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var settings = File.ReadAllLines(config);
        Assert.Contains("AID_URL='https://dashboard.example:8443'", settings);
        Assert.Contains($"AID_TOKEN='{Token}'", settings);
        Assert.Contains("AID_TIMEZONE='Europe/Berlin'", settings);
        Assert.Contains("AID_STATE_DIR='/var/lib/aid-ship'", settings);

        var script = Path.Combine(Root, "usr", "local", "bin", "aid-ship");
        Assert.Equal(await File.ReadAllBytesAsync(Shipper.Script), await File.ReadAllBytesAsync(script));
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute | UnixFileMode.OtherExecute));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.Combine(Root, "var", "lib", "aid-ship")));

        Assert.Contains("ExecStart=/usr/local/bin/aid-ship access \"/var/log/apache2/access.log\"", Unit("access"));
        Assert.Contains("ExecStart=/usr/local/bin/aid-ship syslog \"/var/log/messages\"", Unit("syslog"));
        Assert.Contains("ExecStart=/usr/local/bin/aid-ship meminfo", Unit("meminfo"));
        foreach (var stream in Streams)
        {
            var unit = Unit(stream);
            Assert.Contains("Restart=always", unit);
            Assert.Contains("NoNewPrivileges=yes", unit);
            Assert.Contains("ProtectSystem=strict", unit);
            Assert.Contains("ReadWritePaths=/var/lib/aid-ship", unit);
            Assert.Contains("WantedBy=multi-user.target", unit);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(UnitPath(stream)));
            var enabled = new FileInfo(Path.Combine(Root, "etc", "systemd", "system", "multi-user.target.wants", $"aid-ship-{stream}.service"));
            Assert.Equal($"/etc/systemd/system/aid-ship-{stream}.service", enabled.LinkTarget);
        }
        Assert.DoesNotContain(Token, _shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_with_journal_follows_journald_and_honours_the_state_folder_and_the_ca_file()
    {
        var exitCode = await _shipper.RunAsync("install", "--root", Root, "--url", "https://10.0.0.5:8443", "--token", Token,
            "--access-log", "/var/log/httpd/access_log", "--journal", "--state-dir", "/srv/aid-ship", "--meminfo-every", "5",
            "--ca-file", "/etc/pki/tls/certs/dashboard-ca.pem");

        Assert.Equal(0, exitCode);
        Assert.Contains("ExecStart=/usr/local/bin/aid-ship syslog --journal", Unit("syslog"));
        Assert.Contains("ExecStart=/usr/local/bin/aid-ship meminfo --every 5", Unit("meminfo"));
        Assert.All(Streams, stream => Assert.Contains("ReadWritePaths=/srv/aid-ship", Unit(stream)));
        Assert.Contains("AID_STATE_DIR='/srv/aid-ship'", File.ReadAllLines(Path.Combine(Root, "etc", "aid-ship.conf")));
        Assert.Contains("AID_CA_FILE='/etc/pki/tls/certs/dashboard-ca.pem'", File.ReadAllLines(Path.Combine(Root, "etc", "aid-ship.conf")));
        Assert.True(Directory.Exists(Path.Combine(Root, "srv", "aid-ship")));
    }

    [Fact]
    public async Task Install_without_a_url_or_a_token_writes_nothing()
    {
        var noToken = await _shipper.RunAsync("install", "--root", Root, "--url", "http://10.0.0.5:8080", "--access-log", "/var/log/a.log");
        var noUrl = await _shipper.RunAsync("install", "--root", Root, "--token", Token, "--access-log", "/var/log/a.log");

        Assert.Equal(1, noToken);
        Assert.Equal(1, noUrl);
        Assert.False(Directory.Exists(Root));
        Assert.Contains("--token", _shipper.Log, StringComparison.Ordinal);
        Assert.Contains("--url is required", _shipper.Log, StringComparison.Ordinal);
    }

    private string UnitPath(string stream) => Path.Combine(Root, "etc", "systemd", "system", $"aid-ship-{stream}.service");

    private string[] Unit(string stream) => File.ReadAllLines(UnitPath(stream));

    public void Dispose() => _shipper.Dispose();
}
