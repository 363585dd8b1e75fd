using System.Text.Json;
using Dashboard.Server.Ingest.Memory;

namespace Dashboard.Server.Tests.Ingest.Memory;

public class MeminfoParserTests
{
    private static readonly DateTime SampleTime = new(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc);

    // LukeShirnia/out-of-memory tests: /proc/meminfo of a 3.10 host (has MemAvailable), verbatim.
    private const string Meminfo310 = """
        MemTotal:        1877804 kB
        MemFree:          401640 kB
        MemAvailable:    1074132 kB
        Buffers:          144000 kB
        Cached:           411680 kB
        SwapCached:            0 kB
        Active:           765748 kB
        Inactive:         213348 kB
        Active(anon):     471384 kB
        Inactive(anon):    51104 kB
        Active(file):     294364 kB
        Inactive(file):   162244 kB
        Unevictable:           0 kB
        Mlocked:               0 kB
        SwapTotal:             0 kB
        SwapFree:              0 kB
        Dirty:                32 kB
        Writeback:             0 kB
        AnonPages:        423416 kB
        Mapped:            44196 kB
        Shmem:             99072 kB
        Slab:             443552 kB
        SReclaimable:     403348 kB
        SUnreclaim:        40204 kB
        KernelStack:        2720 kB
        PageTables:        14620 kB
        NFS_Unstable:          0 kB
        Bounce:                0 kB
        WritebackTmp:          0 kB
        CommitLimit:      938900 kB
        Committed_AS:    1471400 kB
        VmallocTotal:   34359738367 kB
        VmallocUsed:       13480 kB
        VmallocChunk:   34359717628 kB
        HardwareCorrupted:     0 kB
        AnonHugePages:     75776 kB
        HugePages_Total:       0
        HugePages_Free:        0
        HugePages_Rsvd:        0
        HugePages_Surp:        0
        Hugepagesize:       2048 kB
        DirectMap4k:      106496 kB
        DirectMap2M:     1986560 kB

        """;

    // GuillaumeGomez/sysinfo#164: an older kernel's /proc/meminfo (OpenWrt), verbatim. Like CentOS 6's
    // 2.6.32, it predates MemAvailable (Linux 3.14).
    private const string MeminfoWithoutAvailable = """
        MemTotal:         125128 kB
        MemFree:           80288 kB
        Buffers:            7652 kB
        Cached:            21700 kB
        SwapCached:            0 kB
        Active:            21340 kB
        Inactive:           9376 kB
        Active(anon):       6764 kB
        Inactive(anon):       16 kB
        Active(file):      14576 kB
        Inactive(file):     9360 kB
        Unevictable:           0 kB
        Mlocked:               0 kB
        SwapTotal:             0 kB
        SwapFree:              0 kB
        Dirty:                 0 kB
        Writeback:             0 kB
        AnonPages:          1388 kB
        Mapped:             1036 kB
        Shmem:              5416 kB
        Slab:              10436 kB
        SReclaimable:       6144 kB
        SUnreclaim:         4292 kB
        KernelStack:         384 kB
        PageTables:          212 kB
        NFS_Unstable:          0 kB
        Bounce:                0 kB
        WritebackTmp:          0 kB
        CommitLimit:       62564 kB
        Committed_AS:       9376 kB
        VmallocTotal:     892928 kB
        VmallocUsed:       41764 kB
        VmallocChunk:     829276 kB
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Meminfo_text_gives_the_stored_fields()
    {
        Assert.True(MeminfoParser.TryParse(Meminfo310, SampleTime, out var sample, out var error), error);

        Assert.Equal(new MemorySample(SampleTime, 1877804, 1074132, 401640, 411680, 0, 0), sample);
    }

    [Fact]
    public void Mem_available_is_derived_before_linux_3_14()
    {
        Assert.True(MeminfoParser.TryParse(MeminfoWithoutAvailable, SampleTime, out var sample, out var error), error);

        // MemFree + Buffers + Cached
        Assert.Equal(new MemorySample(SampleTime, 125128, 80288 + 7652 + 21700, 80288, 21700, 0, 0), sample);
    }

    [Fact]
    public void Crlf_and_indented_text_parses()
    {
        Assert.True(MeminfoParser.TryParse("  MemTotal:  16314000 kB\r\n  MemAvailable: 8000000 kB\r\n", SampleTime, out var sample, out var error), error);

        Assert.Equal((16314000L, 8000000L), (sample.MemTotalKb!.Value, sample.MemAvailableKb!.Value));
    }

    [Theory]
    [InlineData("", "no MemTotal: not a /proc/meminfo text")]
    [InlineData("<html>SECRET</html>", "no MemTotal: not a /proc/meminfo text")]
    [InlineData("MemFree: 1 kB\nCached: 2 kB\n", "no MemTotal: not a /proc/meminfo text")]
    [InlineData("MemTotal: SECRET kB\n", "MemTotal is not a number of kB")]
    [InlineData("MemTotal: -5 kB\n", "MemTotal is not a number of kB")]
    [InlineData("MemTotal: 16314000 MB\n", "MemTotal is not a number of kB")]
    [InlineData("MemTotal: 99999999999999999999 kB\n", "MemTotal is not a number of kB")]
    [InlineData("MemTotal: 0 kB\n", "MemTotal is 0")]
    public void Rejects_text_that_is_not_meminfo(string text, string reason)
    {
        Assert.False(MeminfoParser.TryParse(text, SampleTime, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Json_sample_with_rfc3339_time_parses()
    {
        var json = Json("""{"time":"2015-08-17T12:31:33+09:00","memTotalKb":16314000,"memAvailableKb":812000,"memFreeKb":102400,"cachedKb":409600,"swapTotalKb":4194300,"swapFreeKb":0}""");

        Assert.True(MeminfoParser.TryParseJson(json, DateTime.UtcNow, out var sample, out var error), error);

        Assert.Equal(new MemorySample(SampleTime, 16314000, 812000, 102400, 409600, 4194300, 0), sample);
    }

    [Theory]
    [InlineData("1439782293", "2015-08-17T03:31:33Z")]
    [InlineData("1439782293.5", "2015-08-17T03:31:33.5Z")]
    [InlineData("\"2015-08-17T03:31:33Z\"", "2015-08-17T03:31:33Z")]
    [InlineData("\"2015-08-17T12:31:33.25+09:00\"", "2015-08-17T03:31:33.25Z")]
    public void Json_time_is_rfc3339_with_offset_or_epoch_seconds(string time, string expected)
    {
        Assert.True(MeminfoParser.TryParseJson(Json($$"""{"time":{{time}},"memTotalKb":1}"""), DateTime.UtcNow, out var sample, out var error), error);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, sample.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, sample.TimeUtc.Kind);
    }

    [Fact]
    public void Json_sample_without_time_is_timed_at_receipt()
    {
        Assert.True(MeminfoParser.TryParseJson(Json("""{"memTotalKb":16314000,"memFreeKb":100,"cachedKb":200,"buffersKb":50}"""), SampleTime, out var sample, out var error), error);

        Assert.Equal(SampleTime, sample.TimeUtc);
        Assert.Equal(350, sample.MemAvailableKb);
    }

    [Fact]
    public void Json_null_values_are_absent()
    {
        Assert.True(MeminfoParser.TryParseJson(Json("""{"time":null,"memTotalKb":16314000,"swapTotalKb":null}"""), SampleTime, out var sample, out var error), error);

        Assert.Null(sample.SwapTotalKb);
        Assert.Null(sample.MemAvailableKb);
    }

    [Theory]
    [InlineData("""{"memTotalKb":-1}""", "memTotalKb is negative")]
    [InlineData("""{"memTotalKb":16314000,"swapFreeKb":-4}""", "swapFreeKb is negative")]
    [InlineData("""{"memTotalKb":"16314000"}""", "memTotalKb is not a whole number")]
    [InlineData("""{"memTotalKb":1.5}""", "memTotalKb is not a whole number")]
    [InlineData("""{"memTotalKb":true}""", "memTotalKb is not a whole number")]
    [InlineData("""{"memTotalKb":1e30}""", "memTotalKb is too large")]
    [InlineData("""{"memFreeKb":1}""", "no memTotalKb")]
    [InlineData("""{"time":"2015-08-17T12:31:33","memTotalKb":1}""", "time is not an RFC 3339 time with an offset")]
    [InlineData("""{"time":"SECRET","memTotalKb":1}""", "time is not an RFC 3339 time with an offset")]
    [InlineData("""{"time":-1,"memTotalKb":1}""", "time is out of range")]
    [InlineData("""{"time":1e300,"memTotalKb":1}""", "time is out of range")]
    [InlineData("""{"time":{},"memTotalKb":1}""", "time must be an RFC 3339 string or epoch seconds")]
    [InlineData("""[1,2]""", "a sample is not a JSON object")]
    public void Rejects_json_samples_with_a_reason(string json, string reason)
    {
        Assert.False(MeminfoParser.TryParseJson(Json(json), SampleTime, out _, out var error));
        Assert.Equal(reason, error);
    }
}
