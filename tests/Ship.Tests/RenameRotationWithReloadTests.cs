using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// A CentOS 6 host's access log, /var/log/httpd/access_log, through its weekly rotation: logrotate renames it
/// (dateext), creates a new one, and its postrotate runs <c>service httpd reload</c> (SIGHUP), until which Apache
/// goes on writing to the renamed file. Shipped by aid-ship under each userland from a real Apache serving real
/// clients; what the dashboard counts per address must be what GoAccess counts in the two files.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class RenameRotationWithReloadTests(DashboardServer server) : IAsyncLifetime
{
    public Task InitializeAsync() => server.StartAsync();

    [Theory]
    [MemberData(nameof(Userland.Names), MemberType = typeof(Userland))]
    public async Task Per_ip_counts_across_a_weekly_rotation_and_reload_equal_goaccess_counts_of_both_files(string userland)
    {
        var testStart = DateTimeOffset.UtcNow;
        await using var apache = await ApacheServer.StartAsync("access_log");
        var host = await server.AddHostAsync();
        using var shipper = new Shipper(server.Url, host.Token) { Userland = Userland.Named(userland) };
        shipper.Start("access", apache.AccessLogPath);
        await apache.ServeAsync(Clients("before"));
        await Wait.UntilAsync(() => shipper.CaughtUp(apache.AccessLogPath), "the log is shipped up to the rotation", () => shipper.Log);

        var rotated = apache.AccessLogPath + "-20150823";
        File.Move(apache.AccessLogPath, rotated);
        await File.WriteAllBytesAsync(apache.AccessLogPath, []);
        await apache.ServeAsync(Clients("rotated"));
        var linesBeforeReload = File.ReadAllLines(rotated).Length;
        await apache.ReloadAsync();
        await apache.ServeAsync(Clients("reloaded"));

        await Wait.UntilAsync(() => shipper.CaughtUp(apache.AccessLogPath), "both files are shipped", () => shipper.Log);
        var goAccess = await GoAccess.AnalyzeCombinedAsync(rotated, apache.AccessLogPath);
        var counted = await server.IpsAsync(host.Name, testStart.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.True(linesBeforeReload > Clients("before").Sum(c => c.Count), "Apache wrote to the renamed file until the reload");
        Assert.Equal(apache.Sent, goAccess.TotalRequests);
        Assert.Equal(0, goAccess.FailedRequests);
        Assert.Equal(goAccess.Describe(), IpCounts.Describe(counted));
        Assert.Equal(0, await server.RejectedLinesAsync(host.Name));
        Assert.Contains($"finished {rotated}", shipper.Log, StringComparison.Ordinal);
    }

    // A busy client, a steady one, one asking for missing pages (404) and a HEAD checker: counts that differ.
    private static List<ApacheServer.Requests> Clients(string phase) =>
    [
        new("127.0.0.2", $"/page[1-{ApacheServer.PageCount}].html?{phase}", ApacheServer.PageCount),
        new("127.0.0.3", $"/page[1-25].html?{phase}", 25),
        new("127.0.0.4", $"/missing[1-6].html?{phase}", 6),
        new("127.0.0.5", "/page[1-2].html", 2, "--head"),
    ];

    public Task DisposeAsync() => Task.CompletedTask;
}
