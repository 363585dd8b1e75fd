using System.IO.Compression;
using System.Text;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>What aid-ship does when the server cannot take a batch now (retry), or ever (keep it aside and move on).</summary>
[Collection(SharedDashboard.Name)]
public sealed class ServerFailureTests(DashboardServer server) : AccessLogShippingTest(server)
{
    [Fact]
    public async Task Lines_written_while_the_server_is_down_arrive_once_when_it_is_back()
    {
        Prepare();
        Shipper.Start("access", Log.Path);
        Log.Write(40);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the first lines are shipped", () => Shipper.Log);

        await Server.StopAsync();
        Log.Write(40);
        await Wait.UntilAsync(() => Shipper.Log.Contains("(attempt 2)", StringComparison.Ordinal), "the shipper retried", () => Shipper.Log);
        await Server.StartAsync();

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("Couldn't connect to server", Shipper.Log, StringComparison.Ordinal);
        Assert.Contains("delivered after", Shipper.Log, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Userland.Names), MemberType = typeof(Userland))]
    public async Task A_shipper_killed_with_a_batch_in_flight_while_the_server_is_down_sends_that_batch_as_it_was_once_both_are_back(string userland)
    {
        Prepare(Userland.Named(userland));
        var first = Shipper.Start("access", Log.Path);
        Log.Write(30);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the first lines are shipped", () => Shipper.Log);

        await Server.StopAsync();
        Log.Write(30);
        var inFlight = Path.Combine(Shipper.StreamState("access"), "inflight");
        await Wait.UntilAsync(() => File.Exists(inFlight + ".meta") && Shipper.Log.Contains("(attempt 2)", StringComparison.Ordinal),
            "a batch waits in flight, retried", () => Shipper.Log);
        var body = await File.ReadAllBytesAsync(inFlight + ".body");
        var meta = await File.ReadAllTextAsync(inFlight + ".meta");
        await Shipper.KillAsync(first);
        Log.Write(10);
        Shipper.Start("access", Log.Path);
        // The first attempt of the restarted shipper: the second "(attempt 1)" of the log.
        await Wait.UntilAsync(() => Shipper.Log.Split("(attempt 1)").Length > 2, "the restarted shipper has tried to send", () => Shipper.Log);
        var bodyAfterRestart = await File.ReadAllBytesAsync(inFlight + ".body");
        var metaAfterRestart = await File.ReadAllTextAsync(inFlight + ".meta");
        await Server.StartAsync();

        await AssertEveryLineShippedOnceAsync();
        // Same Idempotency-Key, same bytes: the server may hold the key from an answer the shipper never saw.
        Assert.Equal(meta, metaAfterRestart);
        Assert.Equal(body, bodyAfterRestart);
    }

    [Fact]
    public async Task A_503_while_the_database_is_unavailable_is_retried_until_it_is_back()
    {
        Prepare();
        Shipper.Start("access", Log.Path);
        Log.Write(30);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the first lines are shipped", () => Shipper.Log);

        try
        {
            await Server.SetDatabaseAvailableAsync(false);
            Log.Write(30);
            await Wait.UntilAsync(() => Shipper.Log.Contains("(attempt 2)", StringComparison.Ordinal), "the shipper retried", () => Shipper.Log);
        }
        finally
        {
            await Server.SetDatabaseAvailableAsync(true);
        }

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("HTTP 503", Shipper.Log, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(Shipper.StreamState("access"), "rejected")));
    }

    [Fact]
    public async Task A_batch_the_server_refuses_is_kept_in_rejected_and_theShipper_moves_on()
    {
        Prepare(("AID_LOG_FORMAT", "%h %Z"));
        Log.Write(25);

        var exitCode = await Shipper.RunAsync("once", "access", Log.Path);

        Assert.Equal(2, exitCode);
        var rejected = Path.Combine(Shipper.StreamState("access"), "rejected");
        var body = Assert.Single(Directory.GetFiles(rejected, "*.body"));
        Assert.Equal(File.ReadAllText(Log.Path), Gunzip(body));
        var answer = File.ReadAllText(Path.ChangeExtension(body, ".answer"));
        Assert.StartsWith("HTTP 400", answer, StringComparison.Ordinal);
        Assert.Contains("X-Log-Format", answer, StringComparison.Ordinal);
        Assert.True(Shipper.CaughtUp(Log.Path), "the position moves past a refused batch");
        Assert.Equal(0, await Server.AccessLinesAsync(Host.Name));
    }

    [Fact]
    public async Task Rejected_batches_are_sent_again_by_resend_rejected_once_the_cause_is_fixed()
    {
        Prepare(("AID_LOG_FORMAT", "%h %Z"));
        Log.Write(25);
        await Shipper.RunAsync("once", "access", Log.Path);

        Shipper.Variables["AID_LOG_FORMAT"] = "combined";
        var exitCode = await Shipper.RunAsync("resend-rejected");

        Assert.Equal(0, exitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(Shipper.StreamState("access"), "rejected")));
        Assert.Equal(25, await Server.AccessLinesAsync(Host.Name));
    }

    [Fact]
    public async Task A_revoked_token_is_not_retried_forever_and_never_printed()
    {
        Prepare();
        var shipper = Shipper.Start("access", Log.Path);
        Log.Write(10);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the first lines are shipped", () => Shipper.Log);

        await Server.RevokeTokenAsync(Host.TokenId);
        Log.Write(10);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "the refused lines are passed", () => Shipper.Log);
        Log.Write(10);
        await Wait.UntilAsync(() => Shipper.CaughtUp(Log.Path), "later lines are passed too", () => Shipper.Log);

        Assert.False(shipper.HasExited, "the shipper keeps following the log");
        var rejected = Path.Combine(Shipper.StreamState("access"), "rejected");
        Assert.All(Directory.GetFiles(rejected, "*.answer"), answer => Assert.StartsWith("HTTP 401", File.ReadAllText(answer), StringComparison.Ordinal));
        Assert.Equal(20, Directory.GetFiles(rejected, "*.body").Sum(body => Gunzip(body).Count(c => c == '\n')));
        Assert.Equal(10, await Server.AccessLinesAsync(Host.Name));
        Assert.DoesNotContain(Host.Token, Shipper.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(Host.Token, string.Concat(Directory.GetFiles(Shipper.StatePath, "*", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "lock" && !file.EndsWith(".body", StringComparison.Ordinal)).Select(File.ReadAllText)),
            StringComparison.Ordinal);
    }

    private static string Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
