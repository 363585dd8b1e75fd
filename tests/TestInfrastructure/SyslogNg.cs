using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// syslog-ng running ship/syslog-ng/aid.conf as a user installs it (its @define values replaced), in the foreground
/// with its persist file, pid file and control socket in a temp folder, so that it can be stopped and started
/// again where it left off.
/// </summary>
public sealed class SyslogNg : IAsyncDisposable
{
    public const string Program = "/usr/sbin/syslog-ng";

    private static readonly string ShippedConfig = Path.Combine(AppContext.BaseDirectory, "ship", "syslog-ng", "aid.conf");

    private readonly TempFolder _folder = new();
    private readonly CapturedOutput _log = new();
    private Process? _process;

    /// <param name="accessLog">The file that the config's access log source follows.</param>
    /// <param name="messages">The file that its system log source follows; none: an empty one.</param>
    /// <param name="timeReopen">Seconds between attempts while the dashboard is unreachable, instead of the shipped value.</param>
    public SyslogNg(Uri dashboard, string token, string accessLog, string? messages = null, int? timeReopen = null)
    {
        InstalledPrograms.Require("syslog-ng-core syslog-ng-mod-http", Program);
        if (messages is null)
        {
            messages = Path.Combine(_folder.Path, "messages");
            File.WriteAllText(messages, "");
        }
        var config = File.ReadAllText(ShippedConfig);
        List<(string, string)> replacements =
        [
            ("@define aid_url \"http://dashboard.example:8080\"", $"@define aid_url \"{dashboard.GetLeftPart(UriPartial.Authority)}\""),
            ("@define aid_token \"aid_ingest_REPLACE_ME\"", $"@define aid_token \"{token}\""),
            ("@define aid_access_log \"/var/log/httpd/access_log\"", $"@define aid_access_log \"{accessLog}\""),
            ("@define aid_syslog_file \"/var/log/messages\"", $"@define aid_syslog_file \"{messages}\""),
        ];
        if (timeReopen is { } seconds)
        {
            replacements.Add(("time-reopen(10)", $"time-reopen({seconds.ToString(CultureInfo.InvariantCulture)})"));
        }
        foreach (var (shipped, replacement) in replacements)
        {
            // A changed shipped config must change this test too, not be run half-replaced.
            Assert.True(config.Contains(shipped, StringComparison.Ordinal), $"ship/syslog-ng/aid.conf no longer contains '{shipped}'");
            config = config.Replace(shipped, replacement, StringComparison.Ordinal);
        }
        File.WriteAllText(Path.Combine(_folder.Path, "aid.conf"), config);
        File.WriteAllText(MainConfigPath, $"@version: 3.38\n@include \"{Path.Combine(_folder.Path, "aid.conf")}\"\n");
    }

    private string MainConfigPath => Path.Combine(_folder.Path, "syslog-ng.conf");

    /// <summary>syslog-ng's own messages (-e), of every run.</summary>
    public string Log => _log.Text;

    public void Start()
    {
        Assert.Null(_process);
        var start = new ProcessStartInfo(Program);
        foreach (var argument in (string[])["-F", "-e", "--no-caps", "-f", MainConfigPath,
            "--persist-file", Path.Combine(_folder.Path, "persist"), "--pidfile", Path.Combine(_folder.Path, "pid"),
            "--control", Path.Combine(_folder.Path, "ctl")])
        {
            start.ArgumentList.Add(argument);
        }
        _process = _log.Start(start);
    }

    /// <summary>SIGTERM, as systemctl stop or restart sends: syslog-ng saves its positions and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        var stopped = await Processes.TerminateAsync(_process, TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
        Assert.True(stopped, $"syslog-ng did not stop within 30 s of SIGTERM:\n{Log}");
    }

    public bool HasExited => _process is { HasExited: true };

    public async ValueTask DisposeAsync()
    {
        if (_process is not null && !_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _folder.Dispose();
    }
}
