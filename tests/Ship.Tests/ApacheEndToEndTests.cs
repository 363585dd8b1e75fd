using Dashboard.Shared;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// A real Apache serving real curl clients from several loopback addresses; its combined access log shipped into the
/// real server twice, by aid-ship and by syslog-ng with the shipped config, as two hosts; the shippers and then the
/// server restarted midway. What the dashboard's read API counts per client address must be what GoAccess counts
/// in the same file: every line once, on both hosts.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class ApacheEndToEndTests(DashboardServer server) : IAsyncLifetime
{
    public Task InitializeAsync() => server.StartAsync();

    [Fact]
    public async Task Per_ip_counts_of_both_shippers_equal_goaccess_counts_of_the_log_across_shipper_and_server_restarts()
    {
        var testStart = DateTimeOffset.UtcNow;
        await using var apache = await ApacheServer.StartAsync();
        var aidShipHost = await server.AddHostAsync(name: "apache-aidship");
        var syslogNgHost = await server.AddHostAsync(name: "apache-syslogng");
        using var aidShip = new Shipper(server.Url, aidShipHost.Token);
        // One second between attempts while the server is down, instead of the shipped ten.
        await using var syslogNg = new SyslogNg(server.Url, syslogNgHost.Token, apache.AccessLogPath, timeReopen: 1);
        var aidShipProcess = aidShip.Start("access", apache.AccessLogPath);
        syslogNg.Start();

        // aid-ship is killed (a batch in flight is sent again with its Idempotency-Key); syslog-ng is restarted
        // as systemctl restart does, and must go on from what the dashboard has taken, not from what it had read.
        async Task RestartShippersAsync()
        {
            await Shipper.KillAsync(aidShipProcess);
            aidShipProcess = aidShip.Start("access", apache.AccessLogPath);
            await syslogNg.StopAsync();
            syslogNg.Start();
        }

        // Restarted while phase 1's lines are being read and sent.
        await apache.ServeAsync(Phase(1));
        await RestartShippersAsync();
        await apache.ServeAsync(Phase(2));
        await server.StopAsync();
        await apache.ServeAsync(Phase(3));
        await Wait.UntilAsync(
            () => aidShip.Log.Contains("Couldn't connect to server", StringComparison.Ordinal)
                && syslogNg.Log.Contains("error sending HTTP request", StringComparison.Ordinal),
            "both shippers have found the server down", () => ShipperLogs(aidShip, syslogNg));
        // Restarted again while the server is down and phases 2 and 3 wait to be sent: a syslog-ng that kept
        // them in memory only would lose them here.
        await RestartShippersAsync();
        await server.StartAsync();
        await apache.ServeAsync(Phase(4));

        var logged = await File.ReadAllLinesAsync(apache.AccessLogPath);
        var counted = new Dictionary<string, List<IpSummary>>();
        await Wait.UntilAsync(
            async () =>
            {
                foreach (var host in (string[])[aidShipHost.Name, syslogNgHost.Name])
                {
                    counted[host] = await server.IpsAsync(host, testStart.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
                }
                return counted.Values.All(ips => ips.Sum(ip => ip.Requests) >= logged.Length);
            },
            $"both hosts count the {logged.Length} lines of the access log",
            () => string.Join('\n', counted.Select(host => $"{host.Key}: {host.Value.Sum(ip => ip.Requests)}")) + "\n" + ShipperLogs(aidShip, syslogNg));
        var goAccess = await GoAccess.AnalyzeCombinedAsync(apache.AccessLogPath);

        Assert.Equal(apache.Sent, logged.Length);
        Assert.Equal(logged.Length, goAccess.TotalRequests);
        Assert.Equal(0, goAccess.FailedRequests);
        Assert.Equal(Planned(), goAccess.Hosts.ToDictionary(host => host.Key, host => host.Value.Hits));
        foreach (var (host, ips) in counted)
        {
            // Named, so that a failure says which shipper's host is off.
            Assert.Equal($"{host}: {goAccess.Describe()}", $"{host}: {IpCounts.Describe(ips)}");
        }
    }

    // Five clients with clearly different counts: one hammering pages, some of them missing (404); a steady
    // visitor; one asking only for missing pages; a HEAD checker; and a single POST, in the last phase alone.
    private static List<ApacheServer.Requests> Phase(int phase)
    {
        List<ApacheServer.Requests> requests =
        [
            new("127.0.0.2", $"/page[1-{ApacheServer.PageCount + 20}].html?phase={phase}", ApacheServer.PageCount + 20),
            new("127.0.0.3", $"/page[1-40].html?phase={phase}", 40),
            new("127.0.0.4", $"/missing[1-10].html?phase={phase}", 10),
        ];
        if (phase < 4)
        {
            requests.Add(new("127.0.0.5", "/page[1-2].html", 2, "--head"));
        }
        else
        {
            requests.Add(new("127.0.0.6", "/index.html", 1, "--data", "comment=hello"));
        }
        return requests;
    }

    private static Dictionary<string, long> Planned() =>
        Enumerable.Range(1, 4).SelectMany(Phase).GroupBy(r => r.From).ToDictionary(g => g.Key, g => (long)g.Sum(r => r.Count));

    private static string ShipperLogs(Shipper aidShip, SyslogNg syslogNg) =>
        $"aid-ship (last lines):\n{Tail(aidShip.Log)}\nsyslog-ng (last lines):\n{Tail(syslogNg.Log)}";

    // While the server is down both log every attempt: the last ones say enough.
    private static string Tail(string log) => string.Join('\n', log.Split('\n')[^Math.Min(40, log.Split('\n').Length)..]);

    public Task DisposeAsync() => Task.CompletedTask;
}
