using System.Text.Json;
using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;
using static Dashboard.Server.Tests.Ingest.Syslog.SyslogTestData;

namespace Dashboard.Server.Tests.Ingest.Syslog;

public class JournalEntryParserTests
{
    // rfjakob/earlyoom#218: one object of `journalctl -o json`, verbatim.
    private const string EarlyoomEntry = """
        { "__CURSOR" : "s=ccf7523668294683b810e2ec1ec53163;i=6231a6;b=3957642b91db46aeb6ea566e41d1e893;m=14d5e8876;t=5ab86c6fed4bf;x=ca7e5ae0f23bc66d", "__REALTIME_TIMESTAMP" : "1595970236110015", "__MONOTONIC_TIMESTAMP" : "5593008246", "_BOOT_ID" : "3957642b91db46aeb6ea566e41d1e893", "PRIORITY" : "6", "_MACHINE_ID" : "9d230526b63a40f5b6ff08c3cae75f08", "_HOSTNAME" : "PC", "SYSLOG_FACILITY" : "3", "_SYSTEMD_SLICE" : "system.slice", "_TRANSPORT" : "stdout", "SYSLOG_IDENTIFIER" : "earlyoom", "_PID" : "7758", "_UID" : "61876", "_GID" : "61876", "_COMM" : "earlyoom", "_EXE" : "/usr/local/bin/earlyoom", "_CMDLINE" : "/usr/local/bin/earlyoom -r 3600 -m 4", "_CAP_EFFECTIVE" : "4020", "_SYSTEMD_CGROUP" : "/system.slice/earlyoom.service", "_SYSTEMD_UNIT" : "earlyoom.service", "_SYSTEMD_INVOCATION_ID" : "d511373d58ac47c5b02fcce0d00a3c7c", "MESSAGE" : "process exited after 1.2 seconds" }
        """;

    // A `journalctl -o json-pretty` kernel entry quoted in a public notes file: no SYSLOG_IDENTIFIER, _TRANSPORT kernel.
    private const string KernelEntry = """
        {
            "_TRANSPORT" : "kernel",
            "MESSAGE" : "docker0: port 17(veth4835feb) entered forwarding state",
            "PRIORITY" : "6",
            "_BOOT_ID" : "38b240d1c81c4e7a87887dbf1f71b94e",
            "_HOSTNAME" : "52d8de9e7181",
            "__REALTIME_TIMESTAMP" : "1788544992222751",
            "_MACHINE_ID" : "8b121157d3904b4a8a297b45839c6d93"
        }
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static SyslogMessage ParseEntry(string json)
    {
        var entry = Json(json);
        Assert.True(JournalEntryParser.IsJournalEntry(entry));
        Assert.True(JournalEntryParser.TryParse(entry, out var message, out var error), error);
        return message;
    }

    [Fact]
    public void Journal_entry_gives_time_host_program_pid_facility_severity_and_message()
    {
        var message = ParseEntry(EarlyoomEntry);

        Assert.Equal(Utc("2020-07-28T21:03:56.110015Z"), message.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, message.TimeUtc.Kind);
        Assert.Equal("PC", message.Hostname);
        Assert.Equal("earlyoom", message.Program);
        Assert.Equal(7758, message.Pid);
        Assert.Equal(3, message.Facility);
        Assert.Equal(6, message.Severity);
        Assert.Equal("process exited after 1.2 seconds", message.Message);
    }

    [Fact]
    public void Kernel_transport_means_program_kernel()
    {
        var message = ParseEntry(KernelEntry);

        Assert.Equal("kernel", message.Program);
        Assert.Null(message.Pid);
        Assert.Equal("docker0: port 17(veth4835feb) entered forwarding state", message.Message);
    }

    [Fact]
    public void Kernel_oom_line_from_the_journal_feeds_the_detector()
    {
        // The MESSAGE of a journald kernel entry is the kernel's text without syslog header or uptime
        // (here cPanelSSP/SSP#76's CentOS 6 kill line, without its [uptime]).
        var message = ParseEntry("""
            {"__REALTIME_TIMESTAMP":"1456940110000000","_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","PRIORITY":"3","SYSLOG_FACILITY":"0","_HOSTNAME":"server1",
             "MESSAGE":"Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB"}
            """);
        var detector = new MemoryEventDetector();
        detector.Add(message);

        var kill = Assert.Single(detector.Finish());
        Assert.Equal((11726, "mysqld", 7823732L), (kill.Pid, kill.Process, kill.TotalVmKb));
    }

    [Fact]
    public void Message_given_as_bytes_is_decoded()
    {
        // tstack/lnav#1087: journalctl writes a MESSAGE holding escape codes as an array of its bytes.
        var message = ParseEntry("""
            {"__REALTIME_TIMESTAMP":"1669751055404000","_TRANSPORT":"syslog","SYSLOG_IDENTIFIER":"symphorien","SYSLOG_PID":"777153",
             "MESSAGE":[78,111,118,45,50,57,32,48,48,58,52,56,58,49,55,46,55,55,57,32,91,98,111,116,45,115,100,107,65,112,112,115,101,114,118,105,99,101,93,32,27,91,51,50,109,105,110,102,111,27,91,51,57,109,58,32,91]}
            """);

        Assert.Equal("Nov-29 00:48:17.779 [bot-sdkAppservice] \u001b[32minfo\u001b[39m: [", message.Message);
        Assert.Equal(777153, message.Pid);
    }

    [Theory]
    // vectordotdev/vector#1714: a trailing carriage return makes journalctl use bytes; it is not kept.
    [InlineData("[32,32,32,32,32,121,13]", "     y")]
    // Invalid UTF-8 becomes U+FFFD instead of failing the entry.
    [InlineData("[72,105,255]", "Hi\uFFFD")]
    // A field logged twice is an array of values (strings or byte arrays): they are joined.
    [InlineData("[\"first\",[115,101,99,111,110,100]]", "first\nsecond")]
    public void Message_arrays_are_decoded(string messageJson, string expected)
    {
        var message = ParseEntry($$"""{"__REALTIME_TIMESTAMP":"1595970236110015","MESSAGE":{{messageJson}}}""");

        Assert.Equal(expected, message.Message);
    }

    [Fact]
    public void Program_falls_back_to_comm()
    {
        var message = ParseEntry("""{"__REALTIME_TIMESTAMP":"1595970236110015","_COMM":"httpd","_PID":"12921","MESSAGE":"x"}""");

        Assert.Equal("httpd", message.Program);
        Assert.Equal(12921, message.Pid);
    }

    [Theory]
    // Shaped like Fluent Bit's systemd input through its http output (json_date_key "date", epoch seconds).
    [InlineData("""{"date":1439782293.5,"_TRANSPORT":"kernel","PRIORITY":"3","_HOSTNAME":"hoge","MESSAGE":"Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child"}""")]
    // Shaped like Vector's journald source: "timestamp" and "message".
    [InlineData("""{"timestamp":"2015-08-17T03:31:33.500Z","_TRANSPORT":"kernel","PRIORITY":"3","host":"x","_HOSTNAME":"hoge","message":"Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child"}""")]
    public void Journal_records_forwarded_by_shippers_are_read(string json)
    {
        var message = ParseEntry(json);

        Assert.Equal(Utc("2015-08-17T03:31:33.5Z"), message.TimeUtc);
        Assert.Equal(("hoge", "kernel", 3), (message.Hostname, message.Program, message.Severity));
        Assert.Equal("Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child", message.Message);
    }

    [Theory]
    [InlineData("""{"MESSAGE":"x","_TRANSPORT":"stdout"}""", "no __REALTIME_TIMESTAMP")]
    [InlineData("""{"date":"SECRET","MESSAGE":"x","_TRANSPORT":"stdout"}""", "date is not an RFC 3339 time or epoch seconds")]
    [InlineData("""{"timestamp":-5,"MESSAGE":"x","_TRANSPORT":"stdout"}""", "timestamp is not an RFC 3339 time or epoch seconds")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"SECRET","MESSAGE":"x"}""", "__REALTIME_TIMESTAMP is not microseconds since 1970")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"-1","MESSAGE":"x"}""", "__REALTIME_TIMESTAMP is not microseconds since 1970")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"999999999999999999999","MESSAGE":"x"}""", "__REALTIME_TIMESTAMP is not microseconds since 1970")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"1595970236110015"}""", "no MESSAGE")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"1595970236110015","MESSAGE":null}""", "MESSAGE is null (journalctl omits large fields without --all)")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"1595970236110015","MESSAGE":{"SECRET":1}}""", "MESSAGE is neither text nor bytes")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"1595970236110015","MESSAGE":[72,256]}""", "MESSAGE is neither text nor bytes")]
    public void Rejects_entries_it_cannot_read_with_a_reason(string json, string reason)
    {
        Assert.False(JournalEntryParser.TryParse(Json(json), out _, out var error));
        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData("""{"log":"Aug 17 12:31:33 hoge kernel: x"}""", false)]
    [InlineData("""{"message":"Aug 17 12:31:33 hoge kernel: x","timestamp":"2015-08-17T03:31:33Z"}""", false)]
    [InlineData("""["MESSAGE"]""", false)]
    [InlineData("\"MESSAGE\"", false)]
    [InlineData(EarlyoomEntry, true)]
    [InlineData("""{"MESSAGE":"x","_TRANSPORT":"stdout"}""", true)]
    public void Tells_journal_entries_from_shipper_envelopes(string json, bool isEntry)
    {
        Assert.Equal(isEntry, JournalEntryParser.IsJournalEntry(Json(json)));
    }
}
