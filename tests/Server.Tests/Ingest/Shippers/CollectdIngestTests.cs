using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest.Shippers;

public sealed class CollectdIngestTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri CollectdUri = new("/api/v1/ingest/collectd", UriKind.Relative);
    private static readonly DateTime ReadAt = new(2015, 8, 17, 3, 31, 33, 123, DateTimeKind.Utc);

    // collectd 5.x src/utils_format_json.c value_list_to_json: "values" (gauges as JSON_GAUGE_FORMAT, "%.15g"),
    // "dstypes", "dsnames", "time":%.3f, "interval":%.3f, then host, plugin, plugin_instance, type, type_instance;
    // write_http posts an array of them as application/json. The memory plugin (src/memory.c, Linux) dispatches
    // used, buffered, cached, free, slab_unrecl, slab_recl of one reading with one time; swap reads at its own.
    private static string ValueList(string host, double time, string plugin, string type, string typeInstance, string value, string dstype = "gauge") =>
        $$"""{"values":[{{value}}],"dstypes":["{{dstype}}"],"dsnames":["value"],"time":{{time.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}},"interval":10.000,"host":"{{host}}","plugin":"{{plugin}}","plugin_instance":"","type":"{{type}}","type_instance":"{{typeInstance}}"}""";

    private static double Epoch(DateTime time) => (time - DateTime.UnixEpoch).TotalSeconds;

    private static IEnumerable<string> Memory(string host, DateTime time, bool withAvailable = false)
    {
        var t = Epoch(time);
        yield return ValueList(host, t, "memory", "memory", "used", "1048576000");
        yield return ValueList(host, t, "memory", "memory", "buffered", "10485760");
        yield return ValueList(host, t, "memory", "memory", "cached", "104857600");
        yield return ValueList(host, t, "memory", "memory", "free", "52428800");
        yield return ValueList(host, t, "memory", "memory", "slab_unrecl", "10485760");
        yield return ValueList(host, t, "memory", "memory", "slab_recl", "20971520");
        if (withAvailable)
        {
            yield return ValueList(host, t, "memory", "memory", "available", "157286400");
        }
    }

    private static IEnumerable<string> Swap(string host, DateTime time)
    {
        var t = Epoch(time);
        yield return ValueList(host, t, "swap", "swap", "used", "524288000");
        yield return ValueList(host, t, "swap", "swap", "free", "1572864000");
        yield return ValueList(host, t, "swap", "swap", "cached", "1048576");
    }

    private static ByteArrayContent Body(IEnumerable<string> valueLists) => HttpBodies.Text("[" + string.Join(",", valueLists) + "]", "application/json");

    private async Task<object?[]> SampleAsync(string host) => Assert.Single(await Sql.RowsAsync(app.ConnectionString,
        """
        SELECT m.time, m.mem_total_kb, m.mem_available_kb, m.mem_free_kb, m.cached_kb, m.swap_total_kb, m.swap_free_kb
        FROM memory_samples m JOIN hosts h ON h.id = m.host_id WHERE h.name = $1
        """, host));

    [Fact]
    public async Task Memory_and_swap_value_lists_of_one_reading_become_one_sample_in_kB_and_other_plugins_are_ignored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-web1"));
        var t = Epoch(ReadAt);
        var body = Body([
            ValueList("collectd-web1", t, "cpu", "cpu", "idle", "1901474177", "derive"),
            .. Memory("collectd-web1", ReadAt),
            .. Swap("collectd-web1", ReadAt.AddMilliseconds(2)),
            ValueList("collectd-web1", t, "swap", "swap_io", "in", "0", "derive"),
            ValueList("collectd-web1", t, "memory", "percent", "used", "86.0"),
        ]);

        var response = await client.PostAsync(CollectdUri, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((9, 0, 3), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("rejected").GetInt32(), answer.GetProperty("ignored").GetInt32()));
        // used 1024000 + buffered 10240 + cached 102400 + free 51200 + slab 10240 + 20480 kB;
        // available = free + cached + buffered + slab_recl; swap total = used + free + cached.
        Assert.Equal([ReadAt, 1218560L, 184320L, 51200L, 102400L, 2049024L, 1536000L], await SampleAsync("collectd-web1"));
    }

    [Fact]
    public async Task Available_reported_by_collectd_is_mem_available_and_not_counted_in_the_total()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-avail"));

        await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body(Memory("collectd-avail", ReadAt, withAvailable: true))));

        var sample = await SampleAsync("collectd-avail");
        Assert.Equal((1218560L, 153600L), ((long)sample[1]!, (long)sample[2]!));
        Assert.Null(sample[5]);
    }

    [Fact]
    public async Task Swap_sent_in_the_next_request_joins_the_stored_sample_of_its_reading()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-split"));

        await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body(Memory("collectd-split", ReadAt))));
        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body(Swap("collectd-split", ReadAt.AddSeconds(1)))));

        Assert.Equal((3, 0), (answer.Accepted, answer.Rejected));
        var sample = await SampleAsync("collectd-split");
        Assert.Equal((2049024L, 1536000L), ((long)sample[5]!, (long)sample[6]!));
    }

    [Fact]
    public async Task Swap_with_no_memory_reading_near_it_is_rejected()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-lone-swap"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body(Swap("collectd-lone-swap", ReadAt))));

        Assert.Equal((0, 3), (answer.Accepted, answer.Rejected));
        Assert.Contains("no memory reading", answer.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Value_lists_of_another_host_are_rejected_and_those_of_its_fqdn_are_stored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-mine"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body([.. Memory("collectd-mine.example.com", ReadAt), .. Memory("other-host", ReadAt)])));

        Assert.Equal((6, 6), (answer.Accepted, answer.Rejected));
        Assert.Contains("another host", answer.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal(1218560L, (long)(await SampleAsync("collectd-mine"))[1]!);
    }

    [Fact]
    public async Task A_memory_reading_cut_short_is_rejected_rather_than_stored_with_a_wrong_total()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-cut"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(CollectdUri, Body(Memory("collectd-cut", ReadAt).Take(4))));

        Assert.Equal((0, 4), (answer.Accepted, answer.Rejected));
        Assert.Contains("incomplete", answer.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Putval_text_of_the_command_format_is_415()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("collectd-putval"));

        var response = await client.PostAsync(CollectdUri, HttpBodies.Text("PUTVAL collectd-putval/memory/memory-used interval=10.000 1439782293.123:1048576000\n"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Format", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // A body collectd 5.12 (Debian 12's collectd-core) posted with ship/collectd/aid.conf, captured as sent
    // (Content-Type application/json, User-Agent collectd/5.12.0.git), one reading of memory and swap plus
    // swap_io. On that machine /proc/meminfo said MemTotal: 24684084 kB.
    private const string CapturedBody = """
            [{"values":[732979200],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"used"},
            {"values":[35065856],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"buffered"},
            {"values":[3988291584],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"cached"},
            {"values":[20074876928],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"free"},
            {"values":[52617216],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"slab_unrecl"},
            {"values":[392671232],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"slab_recl"},
            {"values":[0],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"swap","plugin_instance":"","type":"swap","type_instance":"used"},
            {"values":[0],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"swap","plugin_instance":"","type":"swap","type_instance":"free"},
            {"values":[0],"dstypes":["gauge"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"swap","plugin_instance":"","type":"swap","type_instance":"cached"},
            {"values":[null],"dstypes":["derive"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"swap","plugin_instance":"","type":"swap_io","type_instance":"in"},
            {"values":[null],"dstypes":["derive"],"dsnames":["value"],"time":1795603265.701,"interval":1.000,"host":"web1","plugin":"swap","plugin_instance":"","type":"swap_io","type_instance":"out"}]
            """;

    [Fact]
    public async Task A_captured_write_http_body_gives_the_memtotal_of_proc_meminfo()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("web1"));
        // Posted as it was captured, a second after its reading: the server takes no time ahead of its clock by more than a day.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 10, 41, 6, TimeSpan.Zero));

        var response = await client.PostAsync(CollectdUri, HttpBodies.Text(CapturedBody, "application/json"));

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((9, 0, 2), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("rejected").GetInt32(), answer.GetProperty("ignored").GetInt32()));
        Assert.Equal([new DateTime(2026, 11, 25, 10, 41, 5, 701, DateTimeKind.Utc), 24684084L, 23916900L, 19604372L, 3894816L, 0L, 0L], await SampleAsync("web1"));
    }
}
