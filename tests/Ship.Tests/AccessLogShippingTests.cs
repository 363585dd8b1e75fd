using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>aid-ship following an Apache access log into the real server: every line once, whatever happens to the file or the shipper.</summary>
[Collection(SharedDashboard.Name)]
public sealed class AccessLogShippingTests(DashboardServer server) : IAsyncLifetime, IDisposable
{
    private Shipper _shipper = null!;
    private HostToken _host = null!;
    private AccessLog _log = null!;

    public async Task InitializeAsync()
    {
        await server.StartAsync();
        _host = await server.AddHostAsync();
    }

    [Fact]
    public async Task Lines_appended_over_time_are_each_shipped_once()
    {
        Prepare();
        _shipper.Start("access", _log.Path);

        for (var burst = 0; burst < 8; burst++)
        {
            _log.Write(25);
            await Task.Delay(150);
        }
        // A line caught half written waits for its newline.
        var line = _log.NextLine();
        _log.Append(line[..40]);
        await Task.Delay(700);
        _log.Append(line[40..]);
        _log.Write(10);

        await AssertEveryLineShippedOnceAsync();
    }

    [Fact]
    public async Task Rotation_by_rename_loses_and_repeats_nothing()
    {
        Prepare();
        _shipper.Start("access", _log.Path);
        _log.Write(60);
        await Wait.UntilAsync(async () => await server.AccessLinesAsync(_host.Name) > 0, "the first batch arrived", () => _shipper.Log);

        // logrotate (create): the old file is renamed and a new one is created at the path; Apache
        // writes to the old one until its graceful restart reopens the log.
        File.Move(_log.Path, _log.Path + ".1");
        File.WriteAllBytes(_log.Path, []);
        _log.Write(20);
        _log.Reopen();
        _log.Write(40);

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains($"finished {_log.Path}.1", _shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_by_copytruncate_loses_and_repeats_nothing()
    {
        Prepare(("AID_BATCH_SECONDS", "1"));
        _shipper.Start("access", _log.Path);
        _log.Write(50);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "the first lines are shipped", () => _shipper.Log);

        // logrotate (copytruncate): the lines written since the last batch are only in the copy now.
        _log.Write(30);
        File.Copy(_log.Path, _log.Path + ".1");
        using (var truncate = new FileStream(_log.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }
        _log.Write(40);

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("copytruncate", _shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shipper_killed_mid_stream_and_restarted_repeats_nothing()
    {
        Prepare(("AID_BATCH_BYTES", "1024"));
        var first = _shipper.Start("access", _log.Path);
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested && _log.Written < 400)
            {
                _log.Write(5);
                await Task.Delay(10);
            }
        });

        await Wait.UntilAsync(async () => await server.AccessLinesAsync(_host.Name) >= 40, "some batches arrived", () => _shipper.Log);
        await Shipper.KillAsync(first);
        var second = _shipper.Start("access", _log.Path);
        await Wait.UntilAsync(async () => await server.AccessLinesAsync(_host.Name) >= 150, "more batches arrived", () => _shipper.Log);
        await Shipper.KillAsync(second);
        _shipper.Start("access", _log.Path);
        await writer;

        await AssertEveryLineShippedOnceAsync();
    }

    [Fact]
    public async Task A_batch_sent_again_after_a_crash_between_the_answer_and_the_saved_position_is_stored_once()
    {
        Prepare(("AID_BATCH_BYTES", "2048"));
        _log.Write(100);

        // The failpoint SIGKILLs the shipper right after the server's 200, before the position is saved.
        _shipper.Variables["AID_SHIP_FAILPOINT"] = "after-post";
        var crashed = await _shipper.RunAsync("once", "access", _log.Path);
        var stored = await server.AccessLinesAsync(_host.Name);
        var inFlight = File.Exists(Path.Combine(_shipper.StreamState("access"), "inflight.meta"));
        var savedOffset = _shipper.Position("access")![1];
        _shipper.Variables.Remove("AID_SHIP_FAILPOINT");
        var resumed = await _shipper.RunAsync("once", "access", _log.Path);

        Assert.Equal(137, crashed);
        Assert.InRange(stored, 1, 99);
        Assert.Equal("0", savedOffset);
        Assert.True(inFlight, "the batch stays in flight until its answer is recorded");
        Assert.Equal(0, resumed);
        await AssertEveryLineShippedOnceAsync();
    }

    private async Task AssertEveryLineShippedOnceAsync()
    {
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), $"all {_log.Written} lines are shipped", () => _shipper.Log);
        Assert.Empty(await server.RepeatedPathsAsync(_host.Name));
        Assert.Equal(_log.Written, await server.AccessLinesAsync(_host.Name));
        Assert.Equal(0, await server.RejectedLinesAsync(_host.Name));
    }

    private void Prepare(params (string Key, string Value)[] settings)
    {
        _shipper = new Shipper(server.Url, _host.Token, settings);
        _log = new AccessLog(Path.Combine(_shipper.LogsPath, "access.log"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _log?.Dispose();
        _shipper?.Dispose();
    }
}
