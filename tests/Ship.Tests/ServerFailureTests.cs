using System.IO.Compression;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>What aid-ship does when the server cannot take a batch now (retry), or ever (keep it aside and move on).</summary>
[Collection(SharedDashboard.Name)]
public sealed class ServerFailureTests(DashboardServer server) : IAsyncLifetime, IDisposable
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
    public async Task Lines_written_while_the_server_is_down_arrive_once_when_it_is_back()
    {
        Prepare();
        _shipper.Start("access", _log.Path);
        _log.Write(40);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "the first lines are shipped", () => _shipper.Log);

        await server.StopAsync();
        _log.Write(40);
        await Wait.UntilAsync(() => _shipper.Log.Contains("(attempt 2)", StringComparison.Ordinal), "the shipper retried", () => _shipper.Log);
        await server.StartAsync();

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("Couldn't connect to server", _shipper.Log, StringComparison.Ordinal);
        Assert.Contains("delivered after", _shipper.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_503_while_the_database_is_unavailable_is_retried_until_it_is_back()
    {
        Prepare();
        _shipper.Start("access", _log.Path);
        _log.Write(30);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "the first lines are shipped", () => _shipper.Log);

        try
        {
            await server.SetDatabaseAvailableAsync(false);
            _log.Write(30);
            await Wait.UntilAsync(() => _shipper.Log.Contains("(attempt 2)", StringComparison.Ordinal), "the shipper retried", () => _shipper.Log);
        }
        finally
        {
            await server.SetDatabaseAvailableAsync(true);
        }

        await AssertEveryLineShippedOnceAsync();
        Assert.Contains("HTTP 503", _shipper.Log, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_shipper.StreamState("access"), "rejected")));
    }

    [Fact]
    public async Task A_batch_the_server_refuses_is_kept_in_rejected_and_the_shipper_moves_on()
    {
        Prepare(("AID_LOG_FORMAT", "%h %Z"));
        _log.Write(25);

        var exitCode = await _shipper.RunAsync("once", "access", _log.Path);

        Assert.Equal(2, exitCode);
        var rejected = Path.Combine(_shipper.StreamState("access"), "rejected");
        var body = Assert.Single(Directory.GetFiles(rejected, "*.body"));
        Assert.Equal(File.ReadAllText(_log.Path), Gunzip(body));
        var answer = File.ReadAllText(Path.ChangeExtension(body, ".answer"));
        Assert.StartsWith("HTTP 400", answer, StringComparison.Ordinal);
        Assert.Contains("X-Log-Format", answer, StringComparison.Ordinal);
        Assert.True(_shipper.CaughtUp(_log.Path), "the position moves past a refused batch");
        Assert.Equal(0, await server.AccessLinesAsync(_host.Name));
    }

    [Fact]
    public async Task Rejected_batches_are_sent_again_by_resend_rejected_once_the_cause_is_fixed()
    {
        Prepare(("AID_LOG_FORMAT", "%h %Z"));
        _log.Write(25);
        await _shipper.RunAsync("once", "access", _log.Path);

        _shipper.Variables["AID_LOG_FORMAT"] = "combined";
        var exitCode = await _shipper.RunAsync("resend-rejected");

        Assert.Equal(0, exitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(_shipper.StreamState("access"), "rejected")));
        Assert.Equal(25, await server.AccessLinesAsync(_host.Name));
    }

    [Fact]
    public async Task A_revoked_token_is_not_retried_forever_and_never_printed()
    {
        Prepare();
        var shipper = _shipper.Start("access", _log.Path);
        _log.Write(10);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "the first lines are shipped", () => _shipper.Log);

        await server.RevokeTokenAsync(_host.TokenId);
        _log.Write(10);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "the refused lines are passed", () => _shipper.Log);
        _log.Write(10);
        await Wait.UntilAsync(() => _shipper.CaughtUp(_log.Path), "later lines are passed too", () => _shipper.Log);

        Assert.False(shipper.HasExited, "the shipper keeps following the log");
        var rejected = Path.Combine(_shipper.StreamState("access"), "rejected");
        Assert.All(Directory.GetFiles(rejected, "*.answer"), answer => Assert.StartsWith("HTTP 401", File.ReadAllText(answer), StringComparison.Ordinal));
        Assert.Equal(20, Directory.GetFiles(rejected, "*.body").Sum(body => Gunzip(body).Count(c => c == '\n')));
        Assert.Equal(10, await server.AccessLinesAsync(_host.Name));
        Assert.DoesNotContain(_host.Token, _shipper.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Token, string.Concat(Directory.GetFiles(_shipper.StatePath, "*", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "lock" && !file.EndsWith(".body", StringComparison.Ordinal)).Select(File.ReadAllText)),
            StringComparison.Ordinal);
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

    private static string Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _log?.Dispose();
        _shipper?.Dispose();
    }
}
