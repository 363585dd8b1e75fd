using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>
/// aid-ship sampling /proc/meminfo and the oom_kill counter of /proc/vmstat: samples keep the time they were
/// taken, even when they are sent late, and the counter's increase shows as OOM kills.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class MeminfoShippingTests(DashboardServer server) : IAsyncLifetime, IDisposable
{
    private const string Meminfo = """
        MemTotal:        2048000 kB
        MemFree:          102400 kB
        MemAvailable:     204800 kB
        Buffers:           10240 kB
        Cached:            81920 kB
        SwapCached:            0 kB
        SwapTotal:       1024000 kB
        SwapFree:         512000 kB

        """;

    private Shipper _shipper = null!;
    private HostToken _host = null!;

    public async Task InitializeAsync()
    {
        await server.StartAsync();
        _host = await server.AddHostAsync();
        _shipper = new Shipper(server.Url, _host.Token, ("AID_MEMINFO_FILE", "meminfo"), ("AID_VMSTAT_FILE", "vmstat"));
        await File.WriteAllTextAsync(Path.Combine(_shipper.FolderPath, "meminfo"), Meminfo);
        await WriteVmstatAsync(oomKills: 3);
    }

    [Fact]
    public async Task Samples_taken_while_the_server_is_down_are_sent_later_with_their_own_times()
    {
        await server.StopAsync();
        var started = DateTime.UtcNow;
        var sampler = _shipper.Start("meminfo", "--every", "0.5");
        var spool = Path.Combine(_shipper.StatePath, "meminfo", "spool");
        await Wait.UntilAsync(() => Directory.Exists(spool) && Directory.GetFiles(spool, "*.meminfo").Length >= 3, "three samples are spooled", () => _shipper.Log);
        var backUp = DateTime.UtcNow;
        await server.StartAsync();
        await Wait.UntilAsync(async () => await server.CountAsync(
            "SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", _host.Name) >= 5,
            "the spooled samples and later ones arrive", () => _shipper.Log);
        await Shipper.StopAsync(sampler);

        var samples = await Sql.RowsAsync(server.ConnectionString,
            "SELECT m.time, m.mem_total_kb, m.swap_free_kb FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1 ORDER BY m.time",
            _host.Name);
        var times = samples.Select(row => (DateTime)row[0]!).ToList();
        Assert.True(times.Count(time => time >= started && time < backUp) >= 3, $"samples taken while the server was down: {string.Join(", ", times)}");
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(0.1), "each sample has the time it was taken"));
        Assert.All(samples, row => Assert.Equal((2048000L, 512000L), ((long)row[1]!, (long)row[2]!)));
        Assert.Contains("samples waiting", _shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_sends_one_sample_stamped_with_the_time_it_was_taken()
    {
        var before = DateTime.UtcNow;

        var exitCode = await _shipper.RunAsync("once", "meminfo");

        Assert.Equal(0, exitCode);
        var sample = Assert.Single(await Sql.RowsAsync(server.ConnectionString,
            "SELECT m.time FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", _host.Name));
        Assert.InRange((DateTime)sample[0]!, before.AddSeconds(-1), DateTime.UtcNow);
        Assert.Empty(Directory.GetFiles(Path.Combine(_shipper.StatePath, "meminfo", "spool")));
    }

    [Fact]
    public async Task Kills_counted_by_the_kernel_between_two_samples_become_oom_kill_events()
    {
        var sampler = _shipper.Start("meminfo", "--every", "0.3");
        await Wait.UntilAsync(async () => await server.CountAsync(
            "SELECT count(*) FROM oom_kill_counters c JOIN hosts h ON h.id = c.host_id WHERE h.name = $1", _host.Name) == 1,
            "the first counter is recorded", () => _shipper.Log);
        var beforeKills = DateTime.UtcNow;

        await WriteVmstatAsync(oomKills: 5);

        await Wait.UntilAsync(async () => await server.CountAsync(
            "SELECT count(*) FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill'", _host.Name) >= 2,
            "two kills are recorded", () => _shipper.Log);
        // Two more samples of the counter, still at 5, after the one that showed the kills: neither may add one. A sample's
        // memory is sent before its counter, so the memory of the third sample on says the two counters before it arrived.
        var samplesSoFar = await MemorySamplesAsync();
        await Wait.UntilAsync(async () => await MemorySamplesAsync() >= samplesSoFar + 3, "two more counters are recorded", () => _shipper.Log);
        await Shipper.StopAsync(sampler);
        var kills = await Sql.RowsAsync(server.ConnectionString,
            "SELECT e.time FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill'", _host.Name);
        Assert.Equal(2, kills.Count);
        Assert.All(kills, kill => Assert.InRange((DateTime)kill[0]!, beforeKills, DateTime.UtcNow));
    }

    [Fact]
    public async Task A_kernel_without_the_oom_kill_counter_still_gets_its_memory_sampled()
    {
        await File.WriteAllTextAsync(Path.Combine(_shipper.FolderPath, "vmstat"), "nr_free_pages 1000\n");

        var exitCode = await _shipper.RunAsync("once", "meminfo");

        Assert.Equal(0, exitCode);
        Assert.Equal(1, await server.CountAsync(
            "SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", _host.Name));
        Assert.Contains("no oom_kill counter", _shipper.Log, StringComparison.Ordinal);
    }

    private Task<long> MemorySamplesAsync() =>
        server.CountAsync("SELECT count(*) FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1", _host.Name);

    private Task WriteVmstatAsync(int oomKills) =>
        File.WriteAllTextAsync(Path.Combine(_shipper.FolderPath, "vmstat"), $"nr_free_pages 25600\noom_kill {oomKills}\nnr_zspages 0\n");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _shipper.Dispose();
}
