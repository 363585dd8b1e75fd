using System.Globalization;
using System.Text.Json;
using CsCheck;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Ingest.Syslog;

// Lines arrive from the network: whatever they hold, parsers answer true or false with a reason.
// Random text alone rarely gets past a parser's first check, so most cases are real lines with a
// few random edits (insert, delete, replace, truncate), which reach the deeper branches.
public class NoInputMakesAParserThrowTests
{
    private const long Iterations = 20_000;

    private static readonly string[] SyslogSeeds =
    [
        "<6>Aug 17 12:31:33 hoge kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child",
        "Mar  2 17:35:10 server1 kernel: [2858609.598568] Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB",
        "May 07 14:29:23 systemd-oomd[1852]: Considered 50 cgroups for killing, top candidates were:",
        "Aug 17 2015 12:31:33.123 hoge kernel: x",
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application event log entry...",
        "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
        "<14>1 2015-08-17T12:31:33.5+09:00 hoge app 42 - [meta@32473 path=\"/a\\]b\" q=\"x\\\"y\"] text after",
        "<14>1 - - - - - -",
        "2020-05-31T00:00:45.738158+00:00 localhost systemd[1]: Reloaded System Logging Service.",
        "2023-06-21T10:09:55.693976+02:00 kiwi kernel - - - [1154069.463446] [IPTABLES DROP]: IN=venet0 OUT= MAC=<snip>",
        "<134>2024-10-16T18:00:00.123456+09:00 HOSTNAME01 app01 testmsg123456",
        "<13>kernel: Out of memory",
    ];

    private static readonly string[] KernelSeeds =
    [
        "[668192.383737] Out of memory: Kill process 62185 (httpd) score 5 or sacrifice child",
        "Killed process 62185, UID 48, (httpd) total-vm:732728kB, anon-rss:198916kB, file-rss:2288kB",
        "Killed process 42453 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB",
        "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/elrond-node-0.service,task=node,pid=13390,uid=1001",
        "Out of memory: Killed process 13390 (node) total-vm:27668616kB, anon-rss:23623240kB, file-rss:0kB, shmem-rss:4kB, UID:1001 pgtables:46832kB oom_score_adj:0",
        "Memory cgroup out of memory: Kill process 4015 (python) score 1923 or sacrifice child",
        "oom_reaper: reaped process 15925 ((resolved)), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        "named invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0",
        "Pid: 891, comm: named Not tainted 2.6.32-504.12.2.el6.x86_64 #1",
        "CPU: 0 UID: 0 PID: 6931 Comm: httpd Not tainted 6.18.37 #1 PREEMPT(full) ",
        "kworker/u16:3: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)",
        "Killed /user.slice/user-1001.slice/user@1001.service/app.slice/vte-spawn-dbb4.scope due to memory pressure for /user.slice being 51.07% > 50.00% for > 20s with reclaim activity",
        "Marked /system.slice/systemd-journald.service for killing due to memory pressure for /system.slice being 85.03% > 80.00%",
    ];

    private static readonly string[] MeminfoSeeds =
    [
        "MemTotal:        1877804 kB\nMemFree:          401640 kB\nMemAvailable:    1074132 kB\nBuffers:          144000 kB\nCached:           411680 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nHugePages_Total:       0\n",
        "MemTotal:         125128 kB\r\nMemFree:           80288 kB\r\nBuffers:            7652 kB\r\nCached:            21700 kB\r\n",
    ];

    private const string Alphabet = " <>[]():-.,=\"\\/0123456789TZtz+AugDecFebkernlOutofmemoryKillPIDcomm\uFEFF\r\n\t\0\uD800";

    private static readonly string[] Zones = ["UTC", "Asia/Tokyo", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Europe/Dublin"];

    private static readonly Gen<string> RandomText = Gen.Char[Alphabet].Array[0, 120].Select(chars => new string(chars));

    private static Gen<string> Edited(string[] seeds) =>
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Select(Gen.Int[0, 3], Gen.Int[0, 400], Gen.Char[Alphabet]).Array[0, 6],
            (seed, edits) => Edit(seeds[seed], edits));

    private static string Edit(string text, (int Kind, int At, char Char)[] edits)
    {
        foreach (var (kind, at, c) in edits)
        {
            var position = at % (text.Length + 1);
            text = kind switch
            {
                0 => text.Insert(position, c.ToString()),
                1 when position < text.Length => text.Remove(position, 1),
                2 when position < text.Length => string.Concat(text.AsSpan(0, position), c.ToString(), text.AsSpan(position + 1)),
                3 => text[..position],
                _ => text,
            };
        }
        return text;
    }

    private static readonly Gen<SyslogDefaults> AnyDefaults = Gen.Select(
        Gen.Int[0, Zones.Length - 1],
        Gen.Int[1960, 10_050].Nullable(),
        Gen.Long[0, new DateTime(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks],
        (zone, year, received) => new SyslogDefaults(
            TimeZoneInfo.FindSystemTimeZoneById(Zones[zone]), year, new DateTimeOffset(DateTime.UnixEpoch.Ticks + received, TimeSpan.Zero)));

    [Fact]
    public void No_line_makes_the_syslog_parser_throw()
    {
        Gen.Select(Gen.OneOf(RandomText, Edited(SyslogSeeds), Edited(KernelSeeds)), AnyDefaults).Sample((line, defaults) =>
        {
            if (SyslogLineParser.TryParse(line, defaults, out var message, out var error))
            {
                Assert.Equal(DateTimeKind.Utc, message.TimeUtc.Kind);
                Assert.NotNull(message.Message);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void No_sequence_of_messages_makes_the_detector_throw()
    {
        var message = Gen.Select(
            Gen.OneOf(Edited(KernelSeeds), RandomText),
            Gen.OneOf<string?>("kernel", null, "systemd-oomd", "bash"),
            Gen.Int[0, 30],
            (text, program, second) => new SyslogMessage(new DateTime(2015, 8, 17, 3, 31, second, DateTimeKind.Utc), "hoge", program, null, 0, 4, text));
        message.Array[0, 40].Sample(messages =>
        {
            var detector = new MemoryEventDetector();
            foreach (var m in messages)
            {
                detector.Add(m);
            }
            detector.Add(default);
            var events = detector.Finish();
            Assert.True(events.Count <= messages.Length);
            Assert.All(events, e => Assert.Contains(e.Kind, new[] { HostEventKinds.OomKill, HostEventKinds.OomInvoked, HostEventKinds.OomdKill, HostEventKinds.AllocFailure }));
            Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Message)));
        }, iter: Iterations / 4);
    }

    [Fact]
    public void No_text_makes_the_meminfo_parser_throw()
    {
        Gen.OneOf(RandomText, Edited(MeminfoSeeds)).Sample(text =>
        {
            var parsed = MeminfoParser.TryParse(text, DateTime.UtcNow, out var sample, out var error);
            Assert.True(parsed ? sample.MemTotalKb > 0 : !string.IsNullOrEmpty(error));
        }, iter: Iterations);
    }

    private static readonly string[] JsonKeys =
    [
        "__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP", "MESSAGE", "_TRANSPORT", "SYSLOG_IDENTIFIER", "_COMM", "_PID",
        "SYSLOG_PID", "SYSLOG_FACILITY", "PRIORITY", "_HOSTNAME", "time", "memTotalKb", "memAvailableKb", "memFreeKb",
        "cachedKb", "swapTotalKb", "swapFreeKb", "buffersKb", "TIME", "x",
    ];

    private static readonly Gen<string> JsonScalar = Gen.OneOf(
        Gen.Long.Select(v => v.ToString(CultureInfo.InvariantCulture)),
        Gen.Int[-5, 300].Select(v => v.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(v => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "0"),
        Gen.OneOf("null", "true", "false", "1e400", "-0", "0.5", "1e3", "\"\"", "\"kernel\"", "\"2015-08-17T12:31:33+09:00\"",
            "\"1595970236110015\"", "\"-1\"", "\"99999999999999999999\"", "18446744073709551616"),
        RandomText.Select(text => JsonSerializer.Serialize(text)));

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        JsonScalar,
        JsonScalar.Array[0, 8].Select(items => "[" + string.Join(",", items) + "]"),
        JsonScalar.Array[0, 3].Array[0, 3].Select(arrays => "[" + string.Join(",", arrays.Select(items => "[" + string.Join(",", items) + "]")) + "]"));

    private static readonly Gen<JsonElement> JsonRecord = Gen.OneOf(
        Gen.Select(Gen.Int[0, JsonKeys.Length - 1], JsonValue).Array[0, 12]
            .Select(fields => "{" + string.Join(",", fields.Select(f => JsonSerializer.Serialize(JsonKeys[f.Item1]) + ":" + f.Item2)) + "}"),
        JsonValue)
        .Select(json => JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void No_json_record_makes_the_journal_or_sample_parser_throw()
    {
        JsonRecord.Sample(record =>
        {
            _ = JournalEntryParser.IsJournalEntry(record);
            if (JournalEntryParser.TryParse(record, out var message, out var error))
            {
                Assert.Equal(DateTimeKind.Utc, message.TimeUtc.Kind);
                Assert.NotNull(message.Message);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
            if (MeminfoParser.TryParseJson(record, DateTime.UtcNow, out var sample, out _))
            {
                Assert.NotNull(sample.MemTotalKb);
            }
        }, iter: Iterations);
    }
}
