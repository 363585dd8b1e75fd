using System.Diagnostics;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest.Shippers;

/// <summary>
/// Real syslog-ng and collectd, run with the configs in ship/ against the server on a loopback port.
/// Debian: syslog-ng-core, syslog-ng-mod-http, collectd-core, libyajl2, libcurl4 (scripts/prerequisites.sh
/// installs them for test.sh). Each daemon runs in the foreground and is killed when its test ends.
/// </summary>
public sealed class ShipperProcessTests(KestrelDashboardApp app) : IClassFixture<KestrelDashboardApp>
{
    private static string ShipFile(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ship", relative));

    private const string Collectd = "/usr/sbin/collectd";

    [Fact]
    public async Task Syslog_ng_with_the_shipped_config_delivers_the_access_log_and_the_kernels_kill_lines()
    {
        var token = await app.AddHostAsync("sng-web1");
        using var folder = new TempFolder();
        var accessLog = Path.Combine(folder.Path, "access_log");
        var messages = Path.Combine(folder.Path, "messages");
        var now = DateTimeOffset.UtcNow;
        await File.WriteAllLinesAsync(accessLog, Enumerable.Range(0, 25).Select(i =>
            ApacheLines.Combined("202.215.15.8", now.AddSeconds(-i), "HEAD", $"/item?i={i}+%20", 206)));
        await File.WriteAllLinesAsync(messages,
        [
            "Aug 17 12:31:33 sng-web1 kernel: Out of memory: Kill process 12921 (java) score 226 or sacrifice child",
            "Aug 17 12:31:33 sng-web1 kernel: Killed process 12921, UID 500, (java) total-vm:3512908kB, anon-rss:912384kB, file-rss:120kB",
            "Aug 17 12:31:40 sng-web1 crond[1234]: (root) CMD (run-parts /etc/cron.hourly)",
        ]);
        await using (var syslogNg = new SyslogNg(new Uri(app.Url), token, accessLog, messages))
        {
            syslogNg.Start();
            await WaitForRowsAsync(() => syslogNg.HasExited, () => syslogNg.Log,
                "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'sng-web1'", 25);
            await WaitForRowsAsync(() => syslogNg.HasExited, () => syslogNg.Log,
                "SELECT count(*) FROM syslog_lines l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'sng-web1'", 3);
        }

        var kill = await Sql.RowsAsync(app.ConnectionString,
            "SELECT e.pid, e.process FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'sng-web1' AND e.kind = 'oom-kill'");
        Assert.Equal([12921, "java"], Assert.Single(kill));
        // Raw lines: the '+' and "%20" syslog-ng sent in its "form" body are not URL-decoded.
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'sng-web1' AND a.path = '/item?i=7+%20'"));
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'sng-web1'"));
    }

    [Fact]
    public async Task Collectd_with_the_shipped_config_delivers_memory_samples_whose_total_is_proc_meminfos()
    {
        InstalledPrograms.Require("collectd-core libyajl2 libcurl4", Collectd, "/usr/lib/collectd/write_http.so");
        var token = await app.AddHostAsync("cd-web1");
        using var folder = new TempFolder();
        var config = ShipFile("collectd/aid.conf")
            .Replace("http://dashboard.example:8080", app.Url, StringComparison.Ordinal)
            .Replace("aid_ingest_REPLACE_ME", token, StringComparison.Ordinal)
            .Replace("FlushInterval 10", "FlushInterval 1", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "aid.conf"), config);
        var main = Path.Combine(folder.Path, "collectd.conf");
        await File.WriteAllTextAsync(main, $"""
            Hostname "cd-web1"
            FQDNLookup false
            Interval 1
            BaseDir "{folder.Path}"
            PIDFile "{folder.Path}/collectd.pid"
            PluginDir "/usr/lib/collectd"
            TypesDB "/usr/share/collectd/types.db"
            Include "{folder.Path}/aid.conf"

            """);

        var (daemon, output) = Start(Collectd, "-f", "-C", main);
        using (daemon)
        {
            try
            {
                await WaitForRowsAsync(() => daemon.HasExited, output,
                    "SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'cd-web1' AND m.swap_total_kb IS NOT NULL", 2);
            }
            finally
            {
                await StopAsync(daemon);
            }
        }

        var memTotal = long.Parse((await File.ReadAllLinesAsync("/proc/meminfo")).First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        var samples = await Sql.RowsAsync(app.ConnectionString,
            "SELECT m.mem_total_kb, m.mem_available_kb FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'cd-web1'");
        Assert.All(samples, s => Assert.InRange((long)s[0]!, memTotal - 1, memTotal + 1));
        Assert.All(samples, s => Assert.InRange((long)s[1]!, 1, memTotal));
        // write_http's flush timer may, rarely, cut a reading in two: its parts are rejected, never stored short.
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM rejected_lines r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'cd-web1' AND r.reason NOT LIKE '%reading is incomplete%'"));
    }

    /// <summary>The daemon, and what it has printed so far (for the failure messages).</summary>
    private static (Process Daemon, Func<string> Output) Start(string program, params string[] arguments)
    {
        var output = new CapturedOutput();
        var process = output.Start(new ProcessStartInfo(program, arguments));
        return (process, () => output.Text);
    }

    // The daemon ships on its own schedule (batch timeout, flush interval): wait for the rows, not a fixed time.
    private Task WaitForRowsAsync(Func<bool> exited, Func<string> output, string countSql, long expected) =>
        Wait.UntilAsync(async () =>
        {
            Assert.False(exited(), $"the daemon exited:\n{output()}");
            return await Sql.CountAsync(app.ConnectionString, countSql) >= expected;
        }, $"{expected} rows for {countSql}", output);

    private static async Task StopAsync(Process daemon)
    {
        if (!daemon.HasExited)
        {
            daemon.Kill(entireProcessTree: true);
        }
        await daemon.WaitForExitAsync();
    }
}
