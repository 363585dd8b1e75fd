using System.Globalization;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>aid-ship shipping syslog: a file (with the zone and year RFC 3164 lacks), or journald through journalctl's JSON and its cursor.</summary>
[Collection(SharedDashboard.Name)]
public sealed class SyslogShippingTests(DashboardServer server) : IAsyncLifetime, IDisposable
{
    private Shipper _shipper = null!;
    private HostToken _host = null!;

    public async Task InitializeAsync()
    {
        await server.StartAsync();
        _host = await server.AddHostAsync();
    }

    [Fact]
    public async Task A_syslog_file_is_read_in_the_configured_zone_and_year()
    {
        _shipper = new Shipper(server.Url, _host.Token, ("AID_TIMEZONE", "Asia/Tokyo"), ("AID_LOG_YEAR", "2015"));
        var messages = Path.Combine(_shipper.LogsPath, "messages");
        await File.WriteAllLinesAsync(messages, [
            "Aug 17 12:31:33 hoge kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child",
            "Aug 17 12:31:33 hoge kernel: Killed process 12921, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:132kB",
            "Aug 17 12:31:40 hoge httpd[1201]: a line of context",
        ]);

        var exitCode = await _shipper.RunAsync("once", "syslog", messages);

        Assert.Equal(0, exitCode);
        Assert.Equal(3, await server.CountAsync("SELECT count(*) FROM syslog_lines s JOIN hosts h ON h.id = s.host_id WHERE h.name = $1", _host.Name));
        var kill = Assert.Single(await Sql.RowsAsync(server.ConnectionString,
            "SELECT e.time FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill'", _host.Name));
        Assert.Equal(new DateTime(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc), (DateTime)kill[0]!);
        Assert.True(_shipper.CaughtUp(messages, "syslog"));
    }

    [Fact]
    public async Task Journald_records_are_shipped_once_from_the_saved_cursor()
    {
        _shipper = new Shipper(server.Url, _host.Token, ("AID_BATCH_BYTES", "2048"));
        var journal = FakeJournal();
        AppendRecords(journal, 1, 30);
        var follower = _shipper.Start("syslog", "--journal");
        await Wait.UntilAsync(() => SavedCursor() == Cursor(30), "the first records are shipped", () => _shipper.Log);
        AppendRecords(journal, 31, 50);
        await Wait.UntilAsync(() => SavedCursor() == Cursor(50), "the appended records are shipped", () => _shipper.Log);
        await Shipper.StopAsync(follower);

        AppendRecords(journal, 51, 55);
        var exitCode = await _shipper.RunAsync("once", "syslog", "--journal");

        Assert.Equal(0, exitCode);
        Assert.Equal(Cursor(55), SavedCursor());
        Assert.Contains($"--after-cursor={Cursor(50)}", File.ReadAllLines(journal + ".args"));
        Assert.Equal(55, await server.CountAsync(
            "SELECT count(DISTINCT s.message) FROM syslog_lines s JOIN hosts h ON h.id = s.host_id WHERE h.name = $1", _host.Name));
        Assert.Equal(55, await server.CountAsync("SELECT count(*) FROM syslog_lines s JOIN hosts h ON h.id = s.host_id WHERE h.name = $1", _host.Name));
        Assert.Equal(1, await server.CountAsync(
            "SELECT count(*) FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = $1 AND e.kind = 'oom-kill'", _host.Name));
    }

    /// <summary>A journalctl on PATH that prints $FAKE_JOURNAL's records (see fake-journalctl).</summary>
    private string FakeJournal()
    {
        var bin = Path.Combine(_shipper.FolderPath, "bin");
        Directory.CreateDirectory(bin);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fake-journalctl"), Path.Combine(bin, "journalctl"));
        File.SetUnixFileMode(Path.Combine(bin, "journalctl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var journal = Path.Combine(_shipper.LogsPath, "journal.json");
        _shipper.Variables["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        _shipper.Variables["FAKE_JOURNAL"] = journal;
        return journal;
    }

    private static void AppendRecords(string journal, int first, int last)
    {
        var start = new DateTimeOffset(2015, 8, 17, 3, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        var records = Enumerable.Range(first, last - first + 1).Select(n =>
        {
            var microseconds = (start + n * 1_000_000L).ToString(CultureInfo.InvariantCulture);
            var message = n == 42
                ? "Out of memory: Killed process 4242 (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB"
                : $"journal record {n}";
            var transport = n == 42 ? "kernel" : "syslog";
            return $$"""{"__CURSOR":"{{Cursor(n)}}","__REALTIME_TIMESTAMP":"{{microseconds}}","_HOSTNAME":"web1","_TRANSPORT":"{{transport}}","SYSLOG_IDENTIFIER":"{{(n == 42 ? "kernel" : "app")}}","PRIORITY":"6","MESSAGE":"{{message}}"}""";
        });
        // Replaced whole, as journalctl never shows half a record.
        File.WriteAllLines(journal + ".new", (File.Exists(journal) ? File.ReadAllLines(journal) : []).Concat(records));
        File.Move(journal + ".new", journal, overwrite: true);
    }

    private static string Cursor(int n) => $"s=9f2c41e0a7b24c34a1e2d3c4b5a69788;i={n:x};b=6c7c6013a8674e3e9c4e6e7b4c4a7d3b;m={n * 1000:x};t=5a8b1c{n:x4};x=f2b3d6e4a8c0b2d1";

    private string? SavedCursor()
    {
        var file = Path.Combine(_shipper.StatePath, "journal", "cursor");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _shipper?.Dispose();
}
