using Dashboard.Server.Ingest.Syslog;
using static Dashboard.Server.Tests.Ingest.Syslog.SyslogTestData;

namespace Dashboard.Server.Tests.Ingest.Syslog;

// Lines are quoted verbatim from public reports; the source is beside each.
public class SyslogLineParserTests
{
    private static readonly SyslogDefaults Tokyo2015 = Defaults("2015-08-17T12:40:00+09:00");

    [Fact]
    public void Rfc3164_with_pri_gives_facility_severity_host_program_and_message()
    {
        var message = Parse("<6>Aug 17 12:31:33 hoge kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child", Tokyo2015);

        Assert.Equal(Utc("2015-08-17T03:31:33Z"), message.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, message.TimeUtc.Kind);
        Assert.Equal("hoge", message.Hostname);
        Assert.Equal("kernel", message.Program);
        Assert.Null(message.Pid);
        Assert.Equal(0, message.Facility);
        Assert.Equal(6, message.Severity);
        Assert.Equal("Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child", message.Message);
    }

    [Theory]
    // ideawu/ssdb#547 (CentOS 6 /var/log/messages)
    [InlineData("Nov 28 22:42:04 RsappSQL01 kernel: Out of memory: Kill process 3679 (ssdb-server) score 838 or sacrifice child",
        "2014-12-01T00:00:00+08:00", "Asia/Shanghai", "2014-11-28T22:42:04+08:00", "RsappSQL01", "kernel", null,
        "Out of memory: Kill process 3679 (ssdb-server) score 838 or sacrifice child")]
    // cPanelSSP/SSP#76: day padded with a space; the kernel's uptime prefix stays in the message
    [InlineData("Mar  2 17:35:10 server1 kernel: [2858609.598568] Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB",
        "2016-03-03T12:00:00Z", "UTC", "2016-03-02T17:35:10Z", "server1", "kernel", null,
        "[2858609.598568] Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB")]
    // LukeShirnia/out-of-memory tests/assets/logs/messages: a TAG without [pid]
    [InlineData("Jun 19 05:43:21 new-db1 rsyslogd-2177: imuxsock begins to drop messages from pid 3287 due to rate-limiting",
        "2017-06-20T00:00:00Z", "UTC", "2017-06-19T05:43:21Z", "new-db1", "rsyslogd-2177", null,
        "imuxsock begins to drop messages from pid 3287 due to rate-limiting")]
    // systemd/systemd#23606: TAG with [pid]
    [InlineData("Dec 18 19:34:56 user-desktop systemd[1837]: vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope: Consumed 5h 17min 34.893s CPU time.",
        "2023-12-19T00:00:00-05:00", "America/New_York", "2023-12-18T19:34:56-05:00", "user-desktop", "systemd", 1837,
        "vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope: Consumed 5h 17min 34.893s CPU time.")]
    // systemd/systemd#32687: journalctl output without a hostname
    [InlineData("May 07 14:29:23 systemd-oomd[1852]: Considered 50 cgroups for killing, top candidates were:",
        "2024-05-07T15:00:00Z", "UTC", "2024-05-07T14:29:23Z", null, "systemd-oomd", 1852,
        "Considered 50 cgroups for killing, top candidates were:")]
    // RFC 3164 §5.4 example 1
    [InlineData("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        "2003-10-12T00:00:00Z", "UTC", "2003-10-11T22:14:15Z", "mymachine", "su", null,
        "'su root' failed for lonvick on /dev/pts/8")]
    // log2timeline/plaso#3002: rsyslog's high-precision file format (RSYSLOG_FileFormat)
    [InlineData("2020-05-31T00:00:45.738158+00:00 localhost systemd[1]: Reloaded System Logging Service.",
        "2020-06-04T00:00:00Z", "Asia/Tokyo", "2020-05-31T00:00:45.738158Z", "localhost", "systemd", 1,
        "Reloaded System Logging Service.")]
    // rsyslog/rsyslog#5160: RSYSLOG_SyslogProtocol23Format written to a file (no <PRI>, no VERSION)
    [InlineData("2023-06-21T10:09:55.693976+02:00 kiwi kernel - - - [1154069.463446] [IPTABLES DROP]: IN=venet0 OUT= MAC=<snip>",
        "2023-06-21T12:00:00Z", "UTC", "2023-06-21T08:09:55.693976Z", "kiwi", "kernel", null,
        "[1154069.463446] [IPTABLES DROP]: IN=venet0 OUT= MAC=<snip>")]
    // rsyslog/rsyslog#5469: <PRI> then an RFC 3339 time (rsyslog forwarding); a word without ':' is not taken for a TAG
    [InlineData("<134>2024-10-16T18:00:00.123456+09:00 HOSTNAME01 app01 testmsg123456",
        "2024-10-16T10:00:00Z", "UTC", "2024-10-16T09:00:00.123456Z", "HOSTNAME01", null, null,
        "app01 testmsg123456")]
    public void Rfc3164_and_rsyslog_file_lines_parse(string line, string received, string zone, string time,
        string? hostname, string? program, int? pid, string text)
    {
        var message = Parse(line, Defaults(received, zone));

        Assert.Equal(Utc(time), message.TimeUtc);
        Assert.Equal(hostname, message.Hostname);
        Assert.Equal(program, message.Program);
        Assert.Equal(pid, message.Pid);
        Assert.Equal(text, message.Message);
    }

    [Theory]
    // RFC 5424 §6.5 example 1: NILVALUE PROCID and SD, BOM before MSG
    [InlineData("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
        "2003-10-11T22:14:15.003Z", "mymachine.example.com", "su", null, 4, 2, "'su root' failed for lonvick on /dev/pts/8")]
    // RFC 5424 §6.5 example 2: offset, microseconds, numeric PROCID
    [InlineData("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
        "2003-08-24T12:14:15.000003Z", "192.0.2.1", "myproc", 8710, 20, 5, "%% It's time to make the do-nuts.")]
    // RFC 5424 §6.5 example 3: structured data is kept before the text
    [InlineData("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application event log entry...",
        "2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog", null, 20, 5,
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event log entry...")]
    // RFC 5424 §6.5 example 4: two SD elements and no MSG
    [InlineData("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
        "2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog", null, 20, 5,
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]")]
    // Constructed: an escaped ] and \" inside a PARAM-VALUE (RFC 5424 §6.3.3) do not end the element
    [InlineData("<14>1 2015-08-17T12:31:33.5+09:00 hoge app 42 - [meta@32473 path=\"/a\\]b\" q=\"x\\\"y\"] text after",
        "2015-08-17T03:31:33.5Z", "hoge", "app", 42, 1, 6, "[meta@32473 path=\"/a\\]b\" q=\"x\\\"y\"] text after")]
    public void Rfc5424_lines_parse(string line, string time, string? hostname, string? program, int? pid, int facility, int severity, string text)
    {
        var message = Parse(line, Tokyo2015);

        Assert.Equal(Utc(time), message.TimeUtc);
        Assert.Equal(hostname, message.Hostname);
        Assert.Equal(program, message.Program);
        Assert.Equal(pid, message.Pid);
        Assert.Equal(facility, message.Facility);
        Assert.Equal(severity, message.Severity);
        Assert.Equal(text, message.Message);
    }

    [Fact]
    public void Rfc5424_nil_values_leave_fields_empty_and_time_at_receipt()
    {
        var message = Parse("<14>1 - - - - - -", Tokyo2015);

        Assert.Equal(Utc("2015-08-17T03:40:00Z"), message.TimeUtc);
        Assert.Null(message.Hostname);
        Assert.Null(message.Program);
        Assert.Null(message.Pid);
        Assert.Equal("", message.Message);
    }

    [Fact]
    public void Pri_without_timestamp_is_all_content_at_receipt_time()
    {
        // RFC 3164 §4.3.3; the shape local programs write to /dev/log when a relay adds nothing.
        var message = Parse("<13>kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child", Tokyo2015);

        Assert.Equal(Utc("2015-08-17T03:40:00Z"), message.TimeUtc);
        Assert.Equal("kernel", message.Program);
        Assert.Equal("Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child", message.Message);
    }

    [Fact]
    public void Crlf_line_endings_are_not_part_of_the_message()
    {
        var message = Parse("Aug 17 12:31:33 hoge kernel: Out of memory\r", Tokyo2015);

        Assert.Equal("Out of memory", message.Message);
    }

    [Theory]
    // Received just after midnight on Jan 1 in Tokyo: a Dec 31 line is from the year before.
    [InlineData("Dec 31 23:59:58 hoge kernel: x", "2016-01-01T00:00:05+09:00", "Asia/Tokyo", "2015-12-31T23:59:58+09:00")]
    // A host clock a few minutes ahead: still this year, not last year.
    [InlineData("Aug 17 12:35:00 hoge kernel: x", "2015-08-17T12:31:33+09:00", "Asia/Tokyo", "2015-08-17T12:35:00+09:00")]
    // Ahead across New Year (host clock fast): next year, within the allowed skew.
    [InlineData("Jan  1 00:00:10 hoge kernel: x", "2015-12-31T23:59:00+09:00", "Asia/Tokyo", "2016-01-01T00:00:10+09:00")]
    // More than a day "ahead" is an old line: last year.
    [InlineData("Aug 19 12:00:00 hoge kernel: x", "2015-08-17T12:00:00+09:00", "Asia/Tokyo", "2014-08-19T12:00:00+09:00")]
    // Feb 29 goes back to the last leap year.
    [InlineData("Feb 29 08:00:00 hoge kernel: x", "2015-03-01T00:00:00Z", "UTC", "2012-02-29T08:00:00Z")]
    public void Rfc3164_year_is_the_most_recent_that_is_not_after_receipt(string line, string received, string zone, string time)
    {
        Assert.Equal(Utc(time), Parse(line, Defaults(received, zone)).TimeUtc);
    }

    [Fact]
    public void X_log_year_overrides_the_inferred_year()
    {
        var message = Parse("Aug 17 12:31:33 hoge kernel: x", Defaults("2020-01-01T00:00:00Z", "Asia/Tokyo", year: 2015));

        Assert.Equal(Utc("2015-08-17T03:31:33Z"), message.TimeUtc);
    }

    [Fact]
    public void A_year_in_the_line_overrides_header_and_inference()
    {
        var message = Parse("Aug 17 2015 12:31:33 hoge kernel: x", Defaults("2020-01-01T00:00:00Z", "UTC", year: 2019));

        Assert.Equal(Utc("2015-08-17T12:31:33Z"), message.TimeUtc);
    }

    [Theory]
    [InlineData("Asia/Tokyo", "2015-08-17T03:31:33Z")]
    [InlineData("America/New_York", "2015-08-17T16:31:33Z")]
    [InlineData("UTC", "2015-08-17T12:31:33Z")]
    public void Rfc3164_time_is_read_in_the_host_zone(string zone, string utc)
    {
        var message = Parse("Aug 17 12:31:33 hoge kernel: x", Defaults("2015-08-18T00:00:00Z", zone));

        Assert.Equal(Utc(utc), message.TimeUtc);
    }

    [Theory]
    // 2015-03-08 New York: 02:00 EST jumps to 03:00 EDT; 02:30 never happened and is read with EST.
    [InlineData("Mar  8 02:30:00 hoge kernel: x", "2015-03-08T07:30:00Z")]
    // 2015-11-01 New York: 01:00–02:00 happens twice; the earlier (EDT) is taken.
    [InlineData("Nov  1 01:30:00 hoge kernel: x", "2015-11-01T05:30:00Z")]
    // Either side of the transitions nothing is ambiguous.
    [InlineData("Mar  8 01:59:59 hoge kernel: x", "2015-03-08T06:59:59Z")]
    [InlineData("Mar  8 03:00:00 hoge kernel: x", "2015-03-08T07:00:00Z")]
    [InlineData("Nov  1 02:00:00 hoge kernel: x", "2015-11-01T07:00:00Z")]
    public void Dst_gap_and_overlap_follow_the_documented_rule(string line, string utc)
    {
        var message = Parse(line, Defaults("2015-12-01T00:00:00Z", "America/New_York"));

        Assert.Equal(Utc(utc), message.TimeUtc);
    }

    [Fact]
    public void Rsyslog_time_without_offset_is_read_in_the_host_zone()
    {
        var message = Parse("2015-08-17T12:31:33.123456 hoge kernel: x", Tokyo2015);

        Assert.Equal(Utc("2015-08-17T03:31:33.123456Z"), message.TimeUtc);
    }

    [Theory]
    [InlineData("", "empty line")]
    [InlineData("  \r", "empty line")]
    [InlineData("SECRET garbage that is not syslog", "no syslog timestamp")]
    [InlineData("<999>Aug 17 12:31:33 hoge kernel: SECRET", "malformed <PRI>")]
    [InlineData("<6Aug 17 12:31:33 hoge kernel: SECRET", "malformed <PRI>")]
    [InlineData("<>Aug 17 12:31:33 hoge kernel: SECRET", "malformed <PRI>")]
    [InlineData("<165>2 2003-10-11T22:14:15.003Z host app - - - SECRET", "unsupported syslog protocol version")]
    [InlineData("<165>1 2003-13-11T22:14:15.003Z host app - - - SECRET", "malformed RFC 5424 timestamp")]
    [InlineData("<165>1 2003-10-11T22:14:15.003 host app - - - SECRET", "malformed RFC 5424 timestamp")]
    [InlineData("<165>1 2003-10-11T22:14:15.003Z SECRET", "incomplete RFC 5424 header")]
    [InlineData("<165>1 2003-10-11T22:14:15.003Z host app - - [unterminated SECRET", "malformed structured data")]
    [InlineData("<165>1 2003-10-11T22:14:15.003Z host app - - SECRET", "malformed structured data")]
    [InlineData("Feb 30 12:00:00 hoge kernel: SECRET", "no such date")]
    [InlineData("Aug 17 25:31:33 hoge kernel: SECRET", "malformed timestamp")]
    [InlineData("Aug 17 12:31 hoge kernel: SECRET", "malformed timestamp")]
    [InlineData("Aug 123 12:31:33 hoge kernel: SECRET", "malformed timestamp")]
    [InlineData("2015-08-17T12:31:33.123456+25:00 hoge kernel: SECRET", "malformed timestamp")]
    [InlineData("1960-01-01T00:00:00Z hoge kernel: SECRET", "malformed timestamp")]
    [InlineData("2015-08-17T12:31:33ZSECRET", "malformed timestamp")]
    public void Rejects_what_is_not_syslog_with_a_reason_that_does_not_quote_the_line(string line, string reason)
    {
        Assert.False(SyslogLineParser.TryParse(line, Tokyo2015, out _, out var error));
        Assert.Equal(reason, error);
        Assert.DoesNotContain("SECRET", error, StringComparison.Ordinal);
    }
}
