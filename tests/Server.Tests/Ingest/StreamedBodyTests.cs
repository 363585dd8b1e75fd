using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>
/// Bodies as they come over a real socket: slowly, or larger than a batch may hold in memory. A slow
/// client holds no database writer; a large body is written as it arrives, committed once.
/// </summary>
public sealed class StreamedBodyTests(KestrelDashboardApp app) : IClassFixture<KestrelDashboardApp>
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task A_body_past_what_a_batch_may_hold_in_memory_is_written_as_it_arrives_and_seen_only_once_committed()
    {
        using var client = app.SocketClientWithToken(await app.AddHostAsync("access-huge"));
        // 120 000 distinct (minute, address) pairs: ~18 MB of rows, past the 8 MB a batch holds before it is streamed.
        var lines = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 120_000)
            .Select(i => ApacheLines.Combined($"10.{i / 65536}.{i / 256 % 256}.{i % 256}", Noon.AddSeconds(i % 600), bytes: 1))) + "\n");
        var cut = Array.LastIndexOf(lines, (byte)'\n', lines.Length * 9 / 10) + 1;
        using var body = new PausedContent(lines, cut);
        const string OfHost = "FROM {0} t JOIN hosts h ON h.id = t.host_id WHERE h.name = 'access-huge'";
        string Count(string what, string table) => $"SELECT {what} " + string.Format(System.Globalization.CultureInfo.InvariantCulture, OfHost, table);

        var posting = client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative), body);
        await body.Paused;
        await Wait.UntilAsync(async () => await Sql.CountAsync(app.ConnectionString,
            "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy p JOIN pg_class c ON c.oid = p.relid WHERE c.relname LIKE 'access_log%'") > 0,
            "rows go into a COPY while the body is still arriving");
        var visibleMeanwhile = await Sql.CountAsync(app.ConnectionString, Count("count(*)", "access_log"));
        body.Resume();
        var answer = await IngestAnswer.ReadAsync(await posting);

        Assert.Equal(0, visibleMeanwhile);
        Assert.Equal((120_000, 0), (answer.Accepted, answer.Rejected));
        Assert.Equal(120_000, await Sql.CountAsync(app.ConnectionString, Count("sum(requests)", "access_minute")));
        Assert.Equal(120_000, await Sql.CountAsync(app.ConnectionString, Count("count(*)", "access_log")));
        Assert.Equal(120_000, await Sql.CountAsync(app.ConnectionString, Count("count(DISTINCT t.id)", "access_log")));
    }

    [Fact]
    public async Task Twenty_slow_uploads_leave_the_writers_to_a_normal_batch_of_another_host_and_store_nothing_when_cut()
    {
        var slowToken = await app.AddHostAsync("slow-uploader");
        using var normal = app.SocketClientWithToken(await app.AddHostAsync("normal-shipper"));
        using var stop = new CancellationTokenSource();
        var sent = new int[20];
        var slow = Enumerable.Range(0, 20).Select(i => TrickleAsync(slowToken, $"198.51.100.{i}", sent, i, stop.Token)).ToList();
        // Every one of them (more than there are writers) has sent its headers and begun its body.
        await Wait.UntilAsync(() => Enumerable.Range(0, sent.Length).All(i => Volatile.Read(ref sent[i]) >= 64), "each slow client has sent 64 bytes of its body");

        var watch = Stopwatch.StartNew();
        var answer = await IngestAnswer.ReadAsync(await normal.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Lines([ApacheLines.Combined("192.0.2.50", Noon)])));
        var waited = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(slow);

        Assert.Equal(1, answer.Accepted);
        Assert.True(waited < TimeSpan.FromSeconds(5), $"the batch waited {waited} (a writer held by a slow client would make it 5 s, then 503)");
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'slow-uploader'"));
    }

    /// <summary>A POST declaring 100 MB and sending 320 bytes a second (just above Kestrel's minimum rate) until cut.</summary>
    private async Task TrickleAsync(string token, string ip, int[] sent, int index, CancellationToken stop)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", new Uri(app.Url).Port);
        var stream = socket.GetStream();
        var headers = $"POST /api/v1/ingest/access HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), stop);
        var line = Encoding.ASCII.GetBytes(ApacheLines.Combined(ip, Noon) + "\n");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var at = sent[index] % line.Length;
                var part = Math.Min(32, line.Length - at);
                await stream.WriteAsync(line.AsMemory(at, part), stop);
                Interlocked.Add(ref sent[index], part);
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // Cut off mid-body, as a shipper killed mid-upload is.
        }
    }
}
