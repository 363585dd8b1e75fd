using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// A CentOS 6 host as the incident's was: rsyslog 5 writes the 2.6.32 kernel's OOM reports to /var/log/messages
/// (RFC 3164, no year, no zone); /proc/meminfo has no MemAvailable and /proc/vmstat no oom_kill counter, so the
/// kernel's lines are the only record of its kills. Shipped by aid-ship under each userland, each kill is one event.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class CentOs6KernelLogAndMemoryTests(DashboardServer server) : IAsyncLifetime
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "CentOs6");

    public Task InitializeAsync() => server.StartAsync();

    [Theory]
    [MemberData(nameof(Userland.Names), MemberType = typeof(Userland))]
    public async Task Each_kernel_kill_is_one_event_and_memory_is_sampled_without_MemAvailable_or_oom_kill(string userland)
    {
        var host = await server.AddHostAsync();
        using var shipper = new Shipper(server.Url, host.Token,
            ("AID_TIMEZONE", "Asia/Tokyo"), ("AID_LOG_YEAR", "2015"),
            ("AID_MEMINFO_FILE", Path.Combine(Samples, "meminfo")), ("AID_VMSTAT_FILE", Path.Combine(Samples, "vmstat")))
        {
            Userland = Userland.Named(userland),
        };
        var messages = Path.Combine(shipper.LogsPath, "messages");
        File.Copy(Path.Combine(Samples, "messages-1"), messages);
        var sampler = shipper.Start("meminfo", "--every", "0.3");
        shipper.Start("syslog", messages);

        // The first part ends with a parent announced ("Kill process 1205 (httpd) …"); the child it kills
        // ("Killed process 12921 …") comes in the second part, so in a later batch.
        await Wait.UntilAsync(() => shipper.CaughtUp(messages, "syslog"), "the first part is shipped", () => shipper.Log);
        await File.AppendAllTextAsync(messages, await File.ReadAllTextAsync(Path.Combine(Samples, "messages-2")));
        await Wait.UntilAsync(() => shipper.CaughtUp(messages, "syslog"), "the second part is shipped", () => shipper.Log);
        await Wait.UntilAsync(async () => await server.CountAsync(
            "SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", host.Name) >= 2,
            "memory samples arrive", () => shipper.Log);
        await Shipper.StopAsync(sampler);

        var kills = await Sql.RowsAsync(server.ConnectionString,
            "SELECT e.time, e.pid, e.process, e.score FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill' ORDER BY e.time",
            host.Name);
        Assert.Equal(
            [
                (new DateTime(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc), 1187, "java", 89),
                (new DateTime(2015, 8, 17, 3, 31, 55, DateTimeKind.Utc), 12921, "httpd", 26),
                (new DateTime(2015, 8, 17, 3, 32, 5, DateTimeKind.Utc), 29707, "httpd", 25),
            ],
            kills.Select(row => ((DateTime)row[0]!, (int)row[1]!, (string)row[2]!, (int)row[3]!)));
        var samples = await Sql.RowsAsync(server.ConnectionString,
            "SELECT m.mem_available_kb, m.swap_free_kb FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", host.Name);
        // No MemAvailable: MemFree + Buffers + Cached, as free(1) showed it then.
        Assert.All(samples, row => Assert.Equal((41236L + 2104 + 44380, 14020L), ((long)row[0]!, (long)row[1]!)));
        Assert.Equal(0, await server.CountAsync(
            "SELECT count(*) FROM oom_kill_counters c JOIN hosts h ON h.id = c.host_id WHERE h.name = $1", host.Name));
        Assert.Contains("no oom_kill counter", shipper.Log, StringComparison.Ordinal);
        Assert.Equal(0, await server.RejectedLinesAsync(host.Name));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
