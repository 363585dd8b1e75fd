using System.Globalization;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// An embedded PostgreSQL left running in a data folder: the server stops its cluster on the way out, but one
/// that died (or was killed) leaves the postmaster behind, to outlive the test run.
/// </summary>
public static class StrayPostgres
{
    /// <summary>Stops (fast shutdown) every PostgreSQL whose postmaster.pid is under <paramref name="dataFolder"/>, and waits until it is gone.</summary>
    public static async Task StopAsync(string dataFolder)
    {
        foreach (var pidFile in Directory.Exists(dataFolder) ? Directory.EnumerateFiles(dataFolder, "postmaster.pid", SearchOption.AllDirectories) : [])
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) && Processes.CommandLine(pid).Contains("postgres", StringComparison.Ordinal))
            {
                // SIGINT is PostgreSQL's fast shutdown; it removes its pid file last.
                await Processes.SignalAsync(pid, "INT");
                await Wait.UntilAsync(() => !File.Exists(pidFile), $"the PostgreSQL of {pidFile} has stopped");
            }
        }
    }
}
