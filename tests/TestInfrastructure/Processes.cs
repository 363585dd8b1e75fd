using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Signals to processes, as service managers send them, and the machine's processes as /proc lists them
/// (for services that leave the process tree of whoever started them).
/// </summary>
public static class Processes
{
    /// <summary>
    /// Runs a program to its end and returns what it printed; one still running after <paramref name="timeout"/>
    /// (default two minutes) is killed with its whole tree, and that is an error.
    /// </summary>
    public static async Task<CommandResult> RunAsync(ProcessStartInfo start, TimeSpan? timeout = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var patience = timeout ?? TimeSpan.FromMinutes(2);
        using var deadline = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {patience}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends a signal by name (<c>TERM</c>, <c>HUP</c>, <c>INT</c>) with kill(1): .NET itself can only SIGKILL.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>
    /// SIGTERM, as systemctl stop sends, then waits up to <paramref name="patience"/>; a process still running
    /// then is killed with its whole tree. Returns whether it exited on SIGTERM.
    /// </summary>
    public static async Task<bool> TerminateAsync(Process process, TimeSpan patience)
    {
        if (process.HasExited)
        {
            return true;
        }
        await SignalAsync(process.Id, "TERM");
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return false;
        }
    }

    /// <summary>Live processes whose command line contains <paramref name="text"/>.</summary>
    public static List<int> WithCommandLineContaining(string text) => [.. All().Where(pid => CommandLine(pid).Contains(text, StringComparison.Ordinal))];

    /// <summary>Live processes whose command name (/proc/PID/comm) is <paramref name="name"/>.</summary>
    public static List<int> Named(string name) => [.. All().Where(pid => CommandName(pid) == name)];

    /// <summary>The parent's pid, or 0 when the process has gone.</summary>
    public static int ParentOf(int pid) => Stat(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : 0;

    /// <summary>Whether it runs (a zombie waiting for its parent has ended).</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { } fields && fields[0] != "Z";

    /// <summary>CPU seconds (user + system) it has used so far, or 0 when it has gone.</summary>
    public static double CpuSeconds(int pid) =>
        // utime and stime, in clock ticks of 1/100 s.
        Stat(pid) is { } fields
            ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0
            : 0;

    /// <summary>The command line, its arguments separated by spaces; empty when the process has gone.</summary>
    public static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ') ?? "";

    /// <summary>
    /// The fields of /proc/PID/stat after the command name, from the state on ("S", ppid, …), or null when the
    /// process has gone. The name may hold spaces and parentheses: the last ')' ends it.
    /// </summary>
    private static string[]? Stat(int pid) => Read($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null;

    private static string? CommandName(int pid) => Read($"/proc/{pid}/comm")?.Trim();

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
    }

    private static IEnumerable<int> All() =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Select(name => int.Parse(name!, CultureInfo.InvariantCulture));
}
