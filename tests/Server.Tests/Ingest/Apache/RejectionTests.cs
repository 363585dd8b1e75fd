using static Dashboard.Server.Tests.Ingest.Apache.ParsedLine;

namespace Dashboard.Server.Tests.Ingest.Apache;

public class RejectionTests
{
    private const string Time = "[17/Aug/2015:12:10:11 +0900]";

    [Theory]
    [InlineData("2000")]
    [InlineData("099")]
    [InlineData("20")]
    [InlineData("20x")]
    [InlineData("-")]
    public void Status_that_is_not_three_digits_from_100_is_rejected(string status)
    {
        Assert.Equal("bad status", Reject("combined", $"203.0.113.1 - - {Time} \"GET / HTTP/1.1\" {status} 5 \"-\" \"-\""));
    }

    [Theory]
    [InlineData("-", "missing client IP")]
    [InlineData("monitoring-server", "host name, not an IP (HostnameLookups On?)")]
    [InlineData("crawl-66-249-66-1.googlebot.com", "host name, not an IP (HostnameLookups On?)")]
    [InlineData("fe80::1%eth0", "zone id")]
    [InlineData("300.1.1.1", "not an IPv4 or IPv6 address")]
    [InlineData("1.2.3", "not an IPv4 or IPv6 address")]
    [InlineData("010.1.1.1", "not an IPv4 or IPv6 address")]
    [InlineData("1:2:3:4:5:6:7:8:9", "not an IPv4 or IPv6 address")]
    [InlineData("[::1]", "not an IPv4 or IPv6 address")]
    public void Client_address_that_is_not_an_ip_literal_is_rejected(string address, string reason)
    {
        // The first line is Filebeat's test.log with HostnameLookups On.
        var error = Reject("common", $"{address} - - {Time} \"GET /status HTTP/1.1\" 200 612");

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("combined", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] GET / HTTP/1.1\" 200 5 \"-\" \"-\"", "expected ' \"' after %t")]
    [InlineData("combined", "203.0.113.1 - - 17/Aug/2015:12:10:11 +0900 \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", "bad date")]
    [InlineData("combined", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 5", "expected ' \"' after %b")]
    [InlineData("combined", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl", "no '\"' after %{User-Agent}i")]
    [InlineData("combined", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1 200 5 \"-\" \"-\"", "bad status")]
    [InlineData("combined", "203.0.113.1", "no ' ' after %h")]
    [InlineData("%h %l %u [%{%d/%b/%Y:%H:%M:%S %z}t] \"%r\" %>s", "203.0.113.1 - - 17/Aug/2015:12:10:11 +0900 \"GET / HTTP/1.1\" 200", "no ' [' after %u")]
    public void Line_that_does_not_match_the_format_literals_is_rejected(string format, string line, string reason)
    {
        Assert.Contains(reason, Reject(format, line), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("common", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\"")]
    [InlineData("common", "203.0.113.1 - - [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 5 ")]
    [InlineData("%h %t %>s", "203.0.113.1 [17/Aug/2015:12:10:11 +0900] 200 trailing")]
    public void Trailing_text_after_the_format_is_rejected(string format, string line)
    {
        Assert.Equal("unexpected text after the end of the format", Reject(format, line));
    }

    [Theory]
    [InlineData("12a4", "bad byte count")]
    [InlineData("1234567890123456789", "bad byte count")]
    public void Byte_count_that_is_not_a_number_is_rejected(string bytes, string reason)
    {
        Assert.Equal(reason, Reject("combined", $"203.0.113.1 - - {Time} \"GET / HTTP/1.1\" 200 {bytes} \"-\" \"-\""));
    }

    [Fact]
    public void Response_time_that_is_not_a_number_is_rejected()
    {
        Assert.Equal("bad response time", Reject("%h %t \"%r\" %>s %D", $"203.0.113.1 {Time} \"GET / HTTP/1.1\" 200 fast"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r")]
    public void Empty_line_is_rejected(string line)
    {
        Assert.Equal("empty line", Reject("combined", line));
    }

    [Fact]
    public void Line_without_the_format_leading_text_is_rejected()
    {
        Assert.Contains("expected '<' at the start of the line", Reject("<%h> %t \"%r\" %>s", $"203.0.113.1 {Time} \"GET / HTTP/1.1\" 200"), StringComparison.Ordinal);
    }

    [Fact]
    public void Absurdly_long_line_is_rejected()
    {
        Assert.Equal("line is too long", Reject("combined", new string('x', 2_000_000)));
    }

    [Fact]
    public void Parser_reads_good_lines_after_rejecting_one()
    {
        var format = Compile("combined");
        var parser = format.CreateParser(TimeZoneInfo.Utc);
        var good = $"203.0.113.1 - - {Time} \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\"";

        var first = Parse(parser, format, good);
        Assert.False(parser.TryParse($"203.0.113.2 - - [17/Aug/2015:12:10:12 +0900] \"GET /b HTTP/1.1\" 2x0 5 \"-\" \"-\"", out _, out _));
        var again = Parse(parser, format, good);

        Assert.Equal(first, again with { Extras = first.Extras });
    }

    [Fact]
    public void Rejection_reasons_never_quote_the_line()
    {
        const string Secret = "session=hunter2";
        string[] lines =
        [
            $"{Secret} - - {Time} \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"",
            $"203.0.113.1 - - {Time} \"GET /?{Secret} HTTP/1.1\" {Secret} 5 \"-\" \"-\"",
            $"203.0.113.1 - - {Time} \"GET /?{Secret} HTTP/1.1\" 200 5 \"-\" \"{Secret}",
            $"203.0.113.1 - - [{Secret}] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"",
        ];

        foreach (var line in lines)
        {
            Assert.DoesNotContain("hunter2", Reject("combined", line), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Line_with_a_raw_nul_is_read_with_a_replacement_character()
    {
        var parsed = Parse("combined", $"203.0.113.1 - - {Time} \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\0x\"");

        Assert.Equal("curl\uFFFDx", parsed.UserAgent);
    }
}
