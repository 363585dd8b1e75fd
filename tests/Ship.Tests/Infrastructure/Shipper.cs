using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// ship/aid-ship run by bash as a host runs it: a configuration file, a state folder and logs in a
/// temp folder of its own; small batches and short waits so that a test takes seconds.
/// </summary>
public sealed class Shipper : IDisposable
{
    public static readonly string Script = Path.Combine(AppContext.BaseDirectory, "aid-ship");

    private readonly TempFolder _folder = new();
    private readonly CapturedOutput _log = new();
    private readonly List<Process> _processes = [];

    public Shipper(Uri url, string token, params (string Key, string Value)[] settings)
    {
        Directory.CreateDirectory(LogsPath);
        var config = new Dictionary<string, string>
        {
            ["AID_URL"] = url.ToString(),
            ["AID_TOKEN"] = token,
            ["AID_STATE_DIR"] = StatePath,
            ["AID_BATCH_BYTES"] = "4096",
            ["AID_BATCH_SECONDS"] = "0.3",
            ["AID_POLL_SECONDS"] = "0.1",
            ["AID_RETRY_MIN"] = "0.2",
            ["AID_RETRY_MAX"] = "1",
            ["AID_ROTATE_WAIT"] = "1",
            ["AID_HTTP_TIMEOUT"] = "30",
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }
        File.WriteAllLines(ConfigPath, config.Select(setting => $"{setting.Key}='{setting.Value}'"));
    }

    /// <summary>The bash and curl it runs with.</summary>
    public Userland Userland { get; init; } = Userland.Machine;

    /// <summary>The script to run: the repository's, or an installed copy.</summary>
    public string ScriptPath { get; set; } = Script;

    public string FolderPath => _folder.Path;
    public string ConfigPath => Path.Combine(_folder.Path, "aid-ship.conf");
    public string StatePath => Path.Combine(_folder.Path, "state");
    public string LogsPath => Path.Combine(_folder.Path, "logs");

    /// <summary>Environment variables for the next runs (they win over the configuration file).</summary>
    public Dictionary<string, string> Variables { get; } = [];

    /// <summary>Everything every run printed (its log goes to stderr).</summary>
    public string Log => _log.Text;

    /// <summary>Starts a following shipper (<c>access FILE</c>, <c>syslog --journal</c>, <c>meminfo</c>) in the background.</summary>
    public Process Start(params string[] arguments)
    {
        var process = _log.Start(StartInfo(arguments));
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>Runs a command to its end (<c>once …</c>, <c>resend-rejected</c>, <c>install …</c>) and returns its exit code.</summary>
    public async Task<int> RunAsync(params string[] arguments)
    {
        var process = Start(arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>SIGKILL to the shipper alone, as a crash or the OOM killer would: a curl it started may still finish.</summary>
    public static async Task KillAsync(Process process)
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemctl stop sends.</summary>
    public static async Task StopAsync(Process process) =>
        Assert.True(await Processes.TerminateAsync(process, TimeSpan.FromSeconds(30)), "the shipper did not stop within 30 s of SIGTERM");

    /// <summary>The one state folder of a stream (<c>access…</c>, <c>syslog…</c>, <c>journal</c>, <c>meminfo</c>).</summary>
    public string StreamState(string prefix) => Assert.Single(Directory.GetDirectories(StatePath, prefix + "*"));

    /// <summary>inode, offset, fingerprint length and hash, or null before the first save.</summary>
    public string[]? Position(string prefix) => StreamFolder(prefix) is { } folder ? PositionIn(folder) : null;

    /// <summary>Whether the shipper has shipped <paramref name="log"/> to its end, as the file is now, and has nothing in flight.</summary>
    public bool CaughtUp(string log, string prefix = "access") =>
        StreamFolder(prefix) is { } folder && PositionIn(folder) is { } position && !File.Exists(Path.Combine(folder, "inflight.meta"))
            && position[0] == Inode(log) && long.Parse(position[1], CultureInfo.InvariantCulture) == new FileInfo(log).Length;

    /// <summary>
    /// Whether the shipper has read <paramref name="text"/> at the end of the log and is holding it back, as it holds a
    /// line still being written until its newline comes: its last cut of the file (batch.tmp, which it leaves when it
    /// sends nothing) is that text alone.
    /// </summary>
    public bool HoldsBack(string text, string prefix = "access")
    {
        try
        {
            return StreamFolder(prefix) is { } folder && File.ReadAllText(Path.Combine(folder, "batch.tmp")) == text;
        }
        catch (FileNotFoundException)
        {
            return false; // no cut left, or sent and removed meanwhile
        }
    }

    private static string[]? PositionIn(string folder) =>
        Path.Combine(folder, "position") is var file && File.Exists(file) ? File.ReadAllText(file).Trim().Split(' ') : null;

    /// <summary>The stream's state folder, or null while there is none (or, wrongly, several).</summary>
    private string? StreamFolder(string prefix) =>
        Directory.Exists(StatePath) && Directory.GetDirectories(StatePath, prefix + "*") is [var folder] ? folder : null;

    public static string Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return inode;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit();
                    }
                }
                catch (InvalidOperationException)
                {
                    // it ended on its own meanwhile
                }
                process.Dispose();
            }
        }
        _folder.Dispose();
    }

    private ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo(Userland.Bash) { WorkingDirectory = _folder.Path };
        start.ArgumentList.Add(ScriptPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AID_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["AID_SHIP_CONF"] = ConfigPath;
        foreach (var (key, value) in Variables)
        {
            start.Environment[key] = value;
        }
        Userland.Apply(start);
        return start;
    }
}
