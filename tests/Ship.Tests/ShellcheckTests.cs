using System.Diagnostics;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// ShellCheck (Debian's shellcheck, which test.sh installs) over every shell script of the repository — aid-ship
/// first, found by their #! line — and over the init scripts aid-ship install writes for a host without systemd.
/// </summary>
public sealed class ShellcheckTests : IDisposable
{
    private const string Program = "/usr/bin/shellcheck";
    private static readonly string[] NotSources = [".git", "bin", "obj", "node_modules", "TestResults", ".data"];
    private readonly Shipper _shipper = new(new Uri("http://127.0.0.1:9"), "unused");

    [Fact]
    public async Task Every_shell_script_of_the_repository_and_every_init_script_install_writes_passes_shellcheck()
    {
        InstalledPrograms.Require("shellcheck", Program);
        var scripts = ShellScripts(Repository.Root).ToList();
        var root = Path.Combine(_shipper.FolderPath, "root");
        Directory.CreateDirectory(Path.Combine(root, "etc", "rc.d", "init.d"));
        Assert.Equal(0, await _shipper.RunAsync("install", "--root", root, "--url", "https://dashboard.example", "--token", "aid_ingest_x",
            "--access-log", "/var/log/httpd/access_log", "--syslog", "/var/log/messages"));
        var initScripts = Directory.GetFiles(Path.Combine(root, "etc", "rc.d", "init.d"));

        var (exitCode, findings) = await ShellcheckAsync([.. scripts, .. initScripts]);

        Assert.Contains(Path.Combine(Repository.Root, "ship", "aid-ship"), scripts);
        Assert.Equal(3, initScripts.Length);
        Assert.True(exitCode == 0, findings);
    }

    private static IEnumerable<string> ShellScripts(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            using var reader = new StreamReader(file);
            if (reader.ReadLine() is { } first && first.StartsWith("#!", StringComparison.Ordinal)
                && (first.EndsWith("bash", StringComparison.Ordinal) || first.EndsWith("/sh", StringComparison.Ordinal)))
            {
                yield return file;
            }
        }
        foreach (var sub in Directory.EnumerateDirectories(folder).Where(sub => !NotSources.Contains(Path.GetFileName(sub))))
        {
            foreach (var script in ShellScripts(sub))
            {
                yield return script;
            }
        }
    }

    private static async Task<(int ExitCode, string Findings)> ShellcheckAsync(string[] files)
    {
        // --norc: a ~/.shellcheckrc must not change what passes.
        var shellcheck = await Processes.RunAsync(new ProcessStartInfo(Program, ["--norc", "--format=gcc", .. files]) { WorkingDirectory = Repository.Root });
        return (shellcheck.ExitCode, shellcheck.Stdout + shellcheck.Stderr);
    }

    public void Dispose() => _shipper.Dispose();
}
