using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>aid-ship following an Apache access log into the real server: every line once, whatever happens to the file or the shipper.</summary>
[Collection(SharedDashboard.Name)]
public sealed class AccessLogShippingTests(DashboardServer server) : AccessLogShippingTest(server)
{
    [Fact]
    public async Task Lines_appended_over_time_are_each_shipped_once()
    {
        Prepare();
        Shipper.Start("access", Log.Path);

        for (var burst = 0; burst < 8; burst++)
        {
            Log.Write(25);
            await Task.Delay(150);
        }
        // A line caught half written waits for its newline.
        var line = Log.NextLine();
        Log.Append(line[..40]);
        await Wait.UntilAsync(() => Shipper.HoldsBack(line[..40]) || Shipper.CaughtUp(Log.Path), "the shipper has read the half-written line", () => Shipper.Log);
        Log.Append(line[40..]);
        Log.Write(10);

        await AssertEveryLineShippedOnceAsync();
    }

    [Fact]
    public async Task Rotation_by_rename_loses_and_repeats_nothing()
    {
        Prepare();
        Shipper.Start("access", Log.Path);
        Log.Write(60);
        await Wait.UntilAsync(async () => await Server.AccessLinesAsync(Host.Name) > 0, "the first batch arrived", () => Shipper.Log);

        // logrotate (create): the old file is renamed and a new one is created at the path; Apache
        // writes to the old one until its graceful restart reopens the log.
        File.Move(Log.Path, Log.Path + ".1");
        File.WriteAllBytes(Log.Path, []);
        Log.Write(20);
        Log.Reopen();
        Log.Write(40);

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains($"finished {Log.Path}.1", Shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_by_copytruncate_loses_and_repeats_nothing()
    {
        Prepare(("AID_BATCH_SECONDS", "1"));
        Shipper.Start("access", Log.Path);
        Log.Write(50);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the first lines are shipped", () => Shipper.Log);

        // logrotate (copytruncate): the lines written since the last batch are only in the copy now.
        Log.Write(30);
        File.Copy(Log.Path, Log.Path + ".1");
        using (var truncate = new FileStream(Log.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }
        Log.Write(40);

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("copytruncate", Shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShipper_killed_mid_stream_and_restarted_repeats_nothing()
    {
        Prepare(("AID_BATCH_BYTES", "1024"));
        var first = Shipper.Start("access", Log.Path);
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested && Log.Written < 400)
            {
                Log.Write(5);
                await Task.Delay(10);
            }
        });

        await Wait.UntilAsync(async () => await Server.AccessLinesAsync(Host.Name) >= 40, "some batches arrived", () => Shipper.Log);
        await Shipper.KillAsync(first);
        var second = Shipper.Start("access", Log.Path);
        await Wait.UntilAsync(async () => await Server.AccessLinesAsync(Host.Name) >= 150, "more batches arrived", () => Shipper.Log);
        await Shipper.KillAsync(second);
        Shipper.Start("access", Log.Path);
        await writer;

        await AssertEveryLineShippedOnceAsync();
    }

    [Theory]
    [MemberData(nameof(Userland.Names), MemberType = typeof(Userland))]
    public async Task A_batch_sent_again_after_a_crash_between_the_answer_and_the_saved_position_is_stored_once(string userland)
    {
        Prepare(Userland.Named(userland), ("AID_BATCH_BYTES", "2048"));
        Log.Write(100);

        // The failpoint SIGKILLs the shipper right after the server's 200, before the position is saved.
        Shipper.Variables["AID_SHIP_FAILPOINT"] = "after-post";
        var crashed = await Shipper.RunAsync("once", "access", Log.Path);
        var stored = await Server.AccessLinesAsync(Host.Name);
        var inFlight = File.Exists(Path.Combine(Shipper.StreamState("access"), "inflight.meta"));
        var savedOffset = Shipper.Position("access")![1];
        Shipper.Variables.Remove("AID_SHIP_FAILPOINT");
        var resumed = await Shipper.RunAsync("once", "access", Log.Path);

        Assert.Equal(137, crashed);
        Assert.InRange(stored, 1, 99);
        Assert.Equal("0", savedOffset);
        Assert.True(inFlight, "the batch stays in flight until its answer is recorded");
        Assert.Equal(0, resumed);
        await AssertEveryLineShippedOnceAsync();
    }
}
