using Dashboard.Server.Ingest.Apache;
using static Dashboard.Server.Tests.Ingest.Apache.ParsedLine;

namespace Dashboard.Server.Tests.Ingest.Apache;

public class LogFormatTests
{
    [Theory]
    [InlineData("common", "%h %l %u %t \"%r\" %>s %b")]
    [InlineData("combined", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"")]
    [InlineData("vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"")]
    [InlineData("combinedio", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O")]
    [InlineData(" Combined ", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"")]
    public void Nicknames_expand_to_apache_formats(string nickname, string definition)
    {
        Assert.Equal(definition, Compile(nickname).Definition);
    }

    [Fact]
    public void Combinedio_keeps_bytes_received_and_sent_as_extras()
    {
        var parsed = Parse("combinedio", "203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\" 420 1500");

        Assert.Equal(5, parsed.Bytes);
        Assert.Equal("420", parsed.Extras["bytesIn"]);
        Assert.Equal("1500", parsed.Extras["bytesOut"]);
        Assert.Equal("logname bytesIn bytesOut", string.Join(" ", Compile("combinedio").ExtraFieldNames));
    }

    [Theory]
    // As written in httpd.conf, with and without the outer quotes, and as sent in an X-Log-Format header.
    [InlineData("%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-agent}i\\\"")]
    [InlineData("\"%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-agent}i\\\"\"")]
    [InlineData("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"")]
    public void Format_with_config_escaped_or_plain_quotes_reads_the_same_line(string format)
    {
        var parsed = Parse(format, "203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] \"GET /x HTTP/1.1\" 200 5 \"http://a/\" \"curl/8.5.0\"");

        Assert.Equal("/x", parsed.Path);
        Assert.Equal("http://a/", parsed.Referer);
        Assert.Equal("curl/8.5.0", parsed.UserAgent);
        Assert.Empty(parsed.Extras);
    }

    [Fact]
    public void Every_directive_fills_its_column_or_a_named_extra()
    {
        const string Format = "%a %{c}a %A %h %l %u %t \"%r\" %>s %<s %b %B %O %I %S %D %T %{ms}T %k %L %{c}L %P %{tid}P %p %{remote}p %{local}p "
            + "%X %R %f %v %V %m %U %q %H \"%{Referer}i\" \"%{user-agent}i\" \"%{X-Forwarded-For}i\" \"%{Content-Type}o\" %{UNIQUE_ID}e "
            + "%{ratio}n %{session}C %{SSL_PROTOCOL}x %{SSL_CIPHER}c %{Foo}^ti %{Bar}^to %^FB %{end:sec}t 100%%";
        const string Line = "203.0.113.9 10.0.0.2 192.0.2.1 client.example.net - alice [17/Aug/2015:12:10:11 +0900] \"GET /index.php?x=1 HTTP/1.1\" "
            + "200 302 1234 1234 1500 420 1920 2500 0 2 3 YNAoP0ehS7Ds-1 YNAoP0ehS7Ds 12921 140234 80 51432 443 "
            + "+ php-script /var/www/index.php www.example.com example.com GET /index.php ?x=1 HTTP/1.1 \"http://example.com/\" \"Mozilla/5.0\" "
            + "\"198.51.100.7, 10.0.0.1\" \"text/html\" ZABC 42 abc123 TLSv1.2 AES256-SHA f b 1200 1439781012 100%";

        var parsed = Parse(Format, Line);

        Assert.Equal("203.0.113.9", parsed.ClientIp);
        Assert.Equal(Utc("2015-08-17T03:10:11Z"), parsed.TimeUtc);
        Assert.Equal("alice", parsed.RemoteUser);
        Assert.Equal(("GET", "/index.php?x=1", "HTTP/1.1"), (parsed.Method, parsed.Path, parsed.Protocol));
        Assert.Equal(200, parsed.Status);
        Assert.Equal(1234, parsed.Bytes);
        Assert.Equal(2500, parsed.ResponseTimeMicros);
        Assert.Equal("www.example.com", parsed.VirtualHost);
        Assert.Equal("http://example.com/", parsed.Referer);
        Assert.Equal("Mozilla/5.0", parsed.UserAgent);
        Assert.Equal(new Dictionary<string, string>
        {
            ["peerIp"] = "10.0.0.2",
            ["localIp"] = "192.0.2.1",
            ["remoteHost"] = "client.example.net",
            ["originalStatus"] = "302",
            ["bytes"] = "1234",
            ["bytesOut"] = "1500",
            ["bytesIn"] = "420",
            ["bytesTransferred"] = "1920",
            ["responseTimeS"] = "0",
            ["responseTimeMs"] = "2",
            ["keepAliveRequests"] = "3",
            ["logId"] = "YNAoP0ehS7Ds-1",
            ["connectionLogId"] = "YNAoP0ehS7Ds",
            ["pid"] = "12921",
            ["tid"] = "140234",
            ["port"] = "80",
            ["remotePort"] = "51432",
            ["localPort"] = "443",
            ["connectionStatus"] = "+",
            ["handler"] = "php-script",
            ["filename"] = "/var/www/index.php",
            ["serverName"] = "example.com",
            ["method"] = "GET",
            ["urlPath"] = "/index.php",
            ["query"] = "?x=1",
            ["protocol"] = "HTTP/1.1",
            ["X-Forwarded-For"] = "198.51.100.7, 10.0.0.1",
            ["response.Content-Type"] = "text/html",
            ["env.UNIQUE_ID"] = "ZABC",
            ["note.ratio"] = "42",
            ["cookie.session"] = "abc123",
            ["ssl.SSL_PROTOCOL"] = "TLSv1.2",
            ["ssl.SSL_CIPHER"] = "AES256-SHA",
            ["trailer.Foo"] = "f",
            ["response.trailer.Bar"] = "b",
            ["timeToFirstByteUs"] = "1200",
            ["endTime"] = "1439781012",
        }, parsed.Extras);
    }

    [Fact]
    public void Method_path_query_and_protocol_logged_separately_fill_the_request_columns()
    {
        var parsed = Parse("%h %t \"%m %U%q %H\" %>s %D", "203.0.113.9 [17/Aug/2015:12:10:11 +0900] \"POST /login?next=%2F HTTP/2.0\" 302 845");

        Assert.Equal(("POST", "/login?next=%2F", "HTTP/2.0"), (parsed.Method, parsed.Path, parsed.Protocol));
        Assert.Equal(845, parsed.ResponseTimeMicros);
    }

    [Fact]
    public void Path_without_query_string_is_the_whole_url_path()
    {
        var parsed = Parse("%h %t \"%m %U%q %H\" %>s", "203.0.113.9 [17/Aug/2015:12:10:11 +0900] \"GET /a/b HTTP/1.1\" 200");

        Assert.Equal("/a/b", parsed.Path);
    }

    [Theory]
    [InlineData("%T", "2", 2_000_000)]
    [InlineData("%{s}T", "5.000", 5_000_000)]
    [InlineData("%{ms}T", "245", 245_000)]
    [InlineData("%{us}T", "245123", 245_123)]
    [InlineData("%D", "245123", 245_123)]
    [InlineData("%D", "-", -1)]
    public void Durations_in_any_unit_become_microseconds(string directive, string logged, long micros)
    {
        var parsed = Parse($"%h %t \"%r\" %>s {directive}", $"203.0.113.9 [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 {logged}");

        Assert.Equal(micros, parsed.ResponseTimeMicros);
    }

    [Fact]
    public void Status_conditioned_fields_read_dash_as_empty()
    {
        const string Format = "%h %t \"%r\" %>s \"%!200,304{Referer}i\" \"%400,501{User-agent}i\"";

        var ok = Parse(Format, "203.0.113.9 [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200 \"-\" \"-\"");
        var bad = Parse(Format, "203.0.113.9 [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 400 \"http://a/\" \"curl/8.5.0\"");

        Assert.Equal(("", ""), (ok.Referer, ok.UserAgent));
        Assert.Equal(("http://a/", "curl/8.5.0"), (bad.Referer, bad.UserAgent));
    }

    [Fact]
    public void Client_address_is_a_then_h_then_connection_peer()
    {
        var fromA = Parse("%h %a %t \"%r\" %>s", "proxy.example.net 198.51.100.7 [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200");
        var fromPeer = Parse("%{c}a %t \"%r\" %>s", "198.51.100.8 [17/Aug/2015:12:10:11 +0900] \"GET / HTTP/1.1\" 200");

        Assert.Equal("198.51.100.7", fromA.ClientIp);
        Assert.Equal("proxy.example.net", fromA.Extras["remoteHost"]);
        Assert.Equal("198.51.100.8", fromPeer.ClientIp);
    }

    [Fact]
    public void Repeated_extra_names_get_a_number()
    {
        Assert.Equal("X-Real-IP X-Real-IP#2", string.Join(" ", Compile("%h %t %{X-Real-IP}i %{X-Real-IP}i").ExtraFieldNames));
    }

    [Fact]
    public void Tab_separated_format_reads_tabs()
    {
        var parsed = Parse("%h\\t%t\\t%r\\t%>s", "203.0.113.9\t[17/Aug/2015:12:10:11 +0900]\tGET / HTTP/1.1\t200");

        Assert.Equal(200, parsed.Status);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("%h %t %Z", "%Z at position 7 is not an Apache LogFormat directive")]
    [InlineData("%h %t %j", "%j at position 7 is not an Apache LogFormat directive")]
    [InlineData("%h %t %^xx", "%^xx at position 7 is not an Apache LogFormat directive")]
    [InlineData("%h %t %{Referer", "'%{' at position 7 has no closing '}'")]
    [InlineData("%h %t %", "the format ends inside the directive at position 7")]
    [InlineData("%h %t %400", "the format ends inside the directive at position 7")]
    [InlineData("%t \"%r\" %>s", "no client address")]
    [InlineData("%h \"%r\" %>s", "no request time")]
    [InlineData("%h %t %{}i", "%{}i needs a name")]
    [InlineData("%h %t %{minutes}T", "%{minutes}T: the unit must be s, ms or us")]
    [InlineData("%h %t %{foo}p", "expected canonical, local or remote")]
    [InlineData("%h %t %{foo}P", "expected pid, tid or hextid")]
    [InlineData("%h %{%Y-%m-%d %Q}t", "%{%Y-%m-%d %Q}t: strftime conversion %Q is not supported")]
    [InlineData("%h %{%H:%M:%S}t", "does not give a full date")]
    [InlineData("%h %{%Y-%m-%d}t", "does not give the time of day")]
    [InlineData("%h%u %t", "%h is directly followed by %u")]
    [InlineData("%h %t %U%q%H", "%q is directly followed by %H")]
    public void Malformed_or_unknown_format_is_a_compile_error(string format, string message)
    {
        Assert.False(LogFormat.TryCompile(format, out var compiled, out var error));
        Assert.Null(compiled);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
