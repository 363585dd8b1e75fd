using System.Diagnostics;
using System.Text.Json;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// GoAccess (Debian's goaccess, 1.7), the log analyser people already trust, reading an access log into its JSON
/// report: an independent count to hold the dashboard's against.
/// </summary>
public static class GoAccess
{
    public const string Program = "/usr/bin/goaccess";

    /// <summary>One report over the files together (a log and the file it was rotated to, say).</summary>
    public static async Task<GoAccessReport> AnalyzeCombinedAsync(params string[] accessLogs)
    {
        InstalledPrograms.Require("goaccess", Program);
        using var folder = new TempFolder();
        var report = Path.Combine(folder.Path, "report.json");
        // --no-global-config: /etc/goaccess/goaccess.conf may set another format or exclude addresses.
        var goaccess = await Processes.RunAsync(
            new ProcessStartInfo(Program, [.. accessLogs, "--log-format=COMBINED", "--no-global-config", "--no-progress", "-o", report]),
            TimeSpan.FromSeconds(60));
        Assert.True(goaccess.ExitCode == 0, $"goaccess exited with {goaccess.ExitCode}: {goaccess.Stdout}{goaccess.Stderr}");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var general = json.RootElement.GetProperty("general");
        // The "hosts" panel: one item per client address, its hits and bytes.
        var hosts = json.RootElement.GetProperty("hosts").GetProperty("data").EnumerateArray().ToDictionary(
            host => host.GetProperty("data").GetString()!,
            host => new GoAccessHost(host.GetProperty("hits").GetProperty("count").GetInt64(), host.GetProperty("bytes").GetProperty("count").GetInt64()));
        return new GoAccessReport(general.GetProperty("total_requests").GetInt64(), general.GetProperty("failed_requests").GetInt64(), hosts);
    }
}

/// <param name="TotalRequests">Lines read.</param>
/// <param name="FailedRequests">Lines GoAccess could not parse.</param>
/// <param name="Hosts">Per client address.</param>
public sealed record GoAccessReport(long TotalRequests, long FailedRequests, IReadOnlyDictionary<string, GoAccessHost> Hosts)
{
    /// <summary>Its per-address counts, described as <see cref="IpCounts.Describe"/> describes the dashboard's.</summary>
    public string Describe() => IpCounts.Describe(Hosts.Select(host => (host.Key, host.Value.Hits, host.Value.Bytes)));
}

public sealed record GoAccessHost(long Hits, long Bytes);
