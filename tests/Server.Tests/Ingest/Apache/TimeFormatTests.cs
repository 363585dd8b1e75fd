using static Dashboard.Server.Tests.Ingest.Apache.ParsedLine;

namespace Dashboard.Server.Tests.Ingest.Apache;

public class TimeFormatTests
{
    private const string Request = "\"GET / HTTP/1.1\" 200 5";

    [Theory]
    [InlineData("%t", "[17/Aug/2015:12:31:33 +0900]", "2015-08-17T03:31:33Z")]
    [InlineData("%{begin}t", "[17/Aug/2015:12:31:33 +0900]", "2015-08-17T03:31:33Z")]
    [InlineData("[%{%d/%b/%Y:%H:%M:%S %z}t]", "[17/Aug/2015:12:31:33 -0330]", "2015-08-17T16:01:33Z")]
    [InlineData("%{%Y-%m-%dT%H:%M:%S%z}t", "2015-08-17T12:31:33+0900", "2015-08-17T03:31:33Z")]
    [InlineData("%{%FT%T%z}t", "2015-08-17T12:31:33+09:00", "2015-08-17T03:31:33Z")]
    // The Apache documentation's example of a time with milliseconds.
    [InlineData("[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]", "[17/Aug/2015 12:31:33.250 +0900]", "2015-08-17T03:31:33.250Z")]
    [InlineData("%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t%{%z}t", "17/Aug/2015:12:31:33.000250+0900", "2015-08-17T03:31:33.000250Z")]
    [InlineData("%{sec}t", "1439782293", "2015-08-17T03:31:33Z")]
    [InlineData("%{msec}t", "1439782293250", "2015-08-17T03:31:33.250Z")]
    [InlineData("%{usec}t", "1439782293250123", "2015-08-17T03:31:33.250123Z")]
    [InlineData("%{begin:sec}t.%{begin:msec_frac}t", "1439782293.007", "2015-08-17T03:31:33.007Z")]
    [InlineData("%{%s}t", "1439782293", "2015-08-17T03:31:33Z")]
    [InlineData("%{%Y %j %H:%M:%S %z}t", "2015 229 12:31:33 +0900", "2015-08-17T03:31:33Z")]
    [InlineData("%{%m/%d/%y %I:%M:%S %p %z}t", "08/17/15 12:31:33 PM +0900", "2015-08-17T03:31:33Z")]
    [InlineData("%{%a, %d %B %Y %H:%M:%S %z}t", "Mon, 17 August 2015 12:31:33 +0900", "2015-08-17T03:31:33Z")]
    [InlineData("%{%a %b %e %H:%M:%S %Y %z}t", "Mon Aug  3 12:31:33 2015 +0900", "2015-08-03T03:31:33Z")]
    [InlineData("%{%d/%b/%Y:%H:%M:%S %Z}t", "17/Aug/2015:03:31:33 UTC", "2015-08-17T03:31:33Z")]
    [InlineData("%{end:%d/%b/%Y:%H:%M:%S %z}t", "17/Aug/2015:12:31:34 +0900", "2015-08-17T03:31:34Z")]
    public void Time_formats_give_the_utc_time(string timeFormat, string loggedTime, string utc)
    {
        var parsed = Parse($"%h {timeFormat} %r", $"203.0.113.1 {loggedTime} GET / HTTP/1.1");

        Assert.Equal(Utc(utc), parsed.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, parsed.TimeUtc.Kind);
    }

    [Theory]
    [InlineData("Asia/Tokyo", "2015-08-17 12:31:33", "2015-08-17T03:31:33Z")]
    [InlineData("America/New_York", "2015-08-17 12:31:33", "2015-08-17T16:31:33Z")]
    [InlineData("America/New_York", "2015-01-17 12:31:33", "2015-01-17T17:31:33Z")]
    [InlineData("Europe/Berlin", "2015-03-29 01:59:59", "2015-03-29T00:59:59Z")]
    [InlineData("Europe/Berlin", "2015-03-29 03:00:00", "2015-03-29T01:00:00Z")]
    public void Time_without_offset_is_read_in_the_host_zone(string zone, string loggedTime, string utc)
    {
        const string Format = "%h [%{%Y-%m-%d %H:%M:%S}t] %r";
        Assert.True(Compile(Format).NeedsTimeZone);

        var parsed = Parse(Format, $"203.0.113.1 [{loggedTime}] GET / HTTP/1.1", TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.Equal(Utc(utc), parsed.TimeUtc);
    }

    [Fact]
    public void Time_with_offset_ignores_the_host_zone()
    {
        Assert.False(Compile("common").NeedsTimeZone);

        var parsed = Parse("common", $"203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] {Request}", TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

        Assert.Equal(Utc("2015-08-17T03:31:33Z"), parsed.TimeUtc);
    }

    [Fact]
    public void Consecutive_lines_in_the_same_second_and_the_next_get_their_own_times()
    {
        var format = Compile("common");
        var parser = format.CreateParser(TimeZoneInfo.Utc);

        var first = Parse(parser, format, $"203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] {Request}");
        var same = Parse(parser, format, $"203.0.113.2 - - [17/Aug/2015:12:31:33 +0900] {Request}");
        var next = Parse(parser, format, $"203.0.113.3 - - [17/Aug/2015:12:31:34 +0900] {Request}");
        var otherZone = Parse(parser, format, $"203.0.113.3 - - [17/Aug/2015:12:31:34 +0000] {Request}");

        Assert.Equal(Utc("2015-08-17T03:31:33Z"), first.TimeUtc);
        Assert.Equal(first.TimeUtc, same.TimeUtc);
        Assert.Equal(Utc("2015-08-17T03:31:34Z"), next.TimeUtc);
        Assert.Equal(Utc("2015-08-17T12:31:34Z"), otherZone.TimeUtc);
    }

    [Fact]
    public void Format_may_start_with_literal_text_and_the_time()
    {
        var parsed = Parse("[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %a \"%r\" %>s", "[17/Aug/2015 12:31:33.250 +0900] 2001:db8::7 \"GET / HTTP/1.1\" 200");

        Assert.Equal(Utc("2015-08-17T03:31:33.250Z"), parsed.TimeUtc);
        Assert.Equal("2001:db8::7", parsed.ClientIp);
    }

    [Fact]
    public void Begin_time_is_the_request_time_and_end_time_an_extra()
    {
        var parsed = Parse("%h [%{begin:%d/%b/%Y:%H:%M:%S %z}t] [%{end:%d/%b/%Y:%H:%M:%S %z}t] %r",
            "203.0.113.1 [17/Aug/2015:12:31:33 +0900] [17/Aug/2015:12:31:35 +0900] GET / HTTP/1.1");

        Assert.Equal(Utc("2015-08-17T03:31:33Z"), parsed.TimeUtc);
        Assert.Equal("17/Aug/2015:12:31:35 +0900", parsed.Extras["endTime"]);
    }

    [Theory]
    [InlineData("[31/Feb/2015:12:31:33 +0900]")]
    [InlineData("[17/Aux/2015:12:31:33 +0900]")]
    [InlineData("[17/Aug/2015:24:31:33 +0900]")]
    [InlineData("[17/Aug/2015:12:60:33 +0900]")]
    [InlineData("[17/Aug/2015:12:31:33 +0960]")]
    [InlineData("[17/Aug/2015:12:31:33]")]
    [InlineData("[1/Aug/2015:12:31:33 +0900]")]
    [InlineData("[17/Aug/0000:12:31:33 +0900]")]
    [InlineData("[01/Jan/0001:00:00:00 +0100]")]
    [InlineData("[31/Dec/9999:23:59:59 -0100]")]
    [InlineData("-")]
    public void Unreadable_or_impossible_date_is_rejected(string loggedTime)
    {
        Assert.Equal("bad date", Reject("common", $"203.0.113.1 - - {loggedTime} {Request}"));
    }

    [Fact]
    public void Epoch_beyond_year_9999_is_rejected()
    {
        Assert.Equal("bad date", Reject("%h %{msec}t %r", "203.0.113.1 999999999999999 GET / HTTP/1.1"));
    }
}
