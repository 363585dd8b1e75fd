using static Dashboard.Server.Tests.Ingest.Apache.ParsedLine;

namespace Dashboard.Server.Tests.Ingest.Apache;

/// <summary>
/// Lines as real servers wrote them: Elastic Filebeat's Apache module fixtures (elastic/beats
/// filebeat/module/apache/access/test), the Apache documentation's examples, and lines quoted in public
/// bug reports and posts (cited per case).
/// </summary>
public class RealLineTests
{
    private const string CombinedWithForwardedFor = """%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i" """;

    [Theory]
    // Filebeat: darwin-2.4.23.log and test.log.
    [InlineData("common", """::1 - - [26/Dec/2016:16:16:29 +0200] "GET /favicon.ico HTTP/1.1" 404 209""",
        "::1", "2016-12-26T14:16:29Z", "GET", "/favicon.ico", "HTTP/1.1", 404, 209)]
    [InlineData("common", """77.179.66.156 - - [26/Dec/2016:18:23:41 +0200] "GET /notfound HTTP/1.1" 404 206""",
        "77.179.66.156", "2016-12-26T16:23:41Z", "GET", "/notfound", "HTTP/1.1", 404, 206)]
    [InlineData("combined", """192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] "GET /hello HTTP/1.1" 404 499 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:50.0) Gecko/20100101 Firefox/50.0" """,
        "192.168.33.1", "2016-12-26T16:22:13Z", "GET", "/hello", "HTTP/1.1", 404, 499)]
    // The Apache documentation's CLF and combined examples.
    [InlineData("common", """127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326""",
        "127.0.0.1", "2000-10-10T20:55:36Z", "GET", "/apache_pb.gif", "HTTP/1.0", 200, 2326)]
    [InlineData("combined", """127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)" """,
        "127.0.0.1", "2000-10-10T20:55:36Z", "GET", "/apache_pb.gif", "HTTP/1.0", 200, 2326)]
    // A Debian/Ubuntu server answering its own "internal dummy connection" over IPv6.
    [InlineData("combined", """::1 - - [01/May/2025:10:20:48 +0800] "OPTIONS * HTTP/1.0" 200 126 "-" "Apache/2.4.58 (Ubuntu) OpenSSL/3.0.13 (internal dummy connection)" """,
        "::1", "2025-05-01T02:20:48Z", "OPTIONS", "*", "HTTP/1.0", 200, 126)]
    // A scanner's probe answered 400 (a post on CentOS httpd logs).
    [InlineData("combined", """157.230.85.144 - - [20/May/2021:20:49:20 +0000] "GET /ab2g HTTP/1.1" 400 226 "-" "-" """,
        "157.230.85.144", "2021-05-20T20:49:20Z", "GET", "/ab2g", "HTTP/1.1", 400, 226)]
    // Filebeat: a request from an IPv6 client behind a proxy, with a custom trailer.
    [InlineData("""%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" X-Forwarded-For="%{X-Forwarded-For}i" """,
        """2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 - - [29/May/2017:19:02:48 +0000] "GET /page HTTP/1.1" 200 612 "-" "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2" X-Forwarded-For="10.225.192.17, 10.2.2.121" """,
        "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "2017-05-29T19:02:48Z", "GET", "/page", "HTTP/1.1", 200, 612)]
    public void Real_lines_give_client_time_request_status_and_bytes(string format, string line, string ip, string utc,
        string method, string path, string protocol, int status, long bytes)
    {
        var parsed = Parse(format.TrimEnd(), line.TrimEnd());

        Assert.Equal(ip, parsed.ClientIp);
        Assert.Equal(Utc(utc), parsed.TimeUtc);
        Assert.Equal(method, parsed.Method);
        Assert.Equal(path, parsed.Path);
        Assert.Equal(protocol, parsed.Protocol);
        Assert.Equal(status, parsed.Status);
        Assert.Equal(bytes, parsed.Bytes);
    }

    [Fact]
    public void Combined_line_gives_referer_and_user_agent()
    {
        var parsed = Parse("combined", """127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)" """.TrimEnd());

        Assert.Equal("frank", parsed.RemoteUser);
        Assert.Equal("http://www.example.com/start.html", parsed.Referer);
        Assert.Equal("Mozilla/4.08 [en] (Win98; I ;Nav)", parsed.UserAgent);
        Assert.Empty(parsed.Extras);
    }

    [Fact]
    public void Dash_referer_and_user_agent_are_empty()
    {
        var parsed = Parse("combined", """157.230.85.144 - - [20/May/2021:20:49:20 +0000] "GET /ab2g HTTP/1.1" 400 226 "-" "-" """.TrimEnd());

        Assert.Equal("", parsed.Referer);
        Assert.Equal("", parsed.UserAgent);
        Assert.Equal("", parsed.RemoteUser);
    }

    [Fact]
    public void Identd_logname_is_kept_as_an_extra()
    {
        var parsed = Parse("common", """127.0.0.1 user-identity frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326""");

        Assert.Equal("user-identity", parsed.Extras["logname"]);
        Assert.Equal("frank", parsed.RemoteUser);
    }

    [Theory]
    // Filebeat darwin-2.4.23.log: Apache 2.4 on macOS logs a 408 with "-" as the request and no bytes.
    [InlineData("common", """::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 -""", 0)]
    // Filebeat test.log.
    [InlineData("combined", """127.0.0.1 - - [02/Feb/2019:05:38:45 +0100] "-" 408 152 "-" "-" """, 152)]
    // A Japanese Apache tutorial's access log.
    [InlineData("combined", """192.168.56.1 - - [07/Jul/2024:12:33:51 +0000] "-" 408 0 "-" "-" """, 0)]
    public void Request_timeout_with_dash_request_is_kept_without_method_or_path(string format, string line, long bytes)
    {
        var parsed = Parse(format, line.TrimEnd());

        Assert.Equal(408, parsed.Status);
        Assert.Equal("", parsed.Method);
        Assert.Equal("", parsed.Path);
        Assert.Equal("", parsed.Protocol);
        Assert.Equal(bytes, parsed.Bytes);
    }

    [Theory]
    // joshwieder.net, "An explanation of webserver logs that contain requests such as \x16\x03\x01" (2015).
    [InlineData("""95.156.251.10 - - [03/Nov/2015:13:56:23 -0500] "\x16\x03\x02\x01o\x01" 400 226 "-" "-" """, "\u0016\u0003\u0002\u0001o\u0001")]
    [InlineData("""184.105.139.68 - - [03/Nov/2015:23:48:54 -0500] "\x16\x03\x01" 400 226 "-" "-" """, "\u0016\u0003\u0001")]
    public void Tls_handshake_on_port_80_is_kept_without_a_method(string line, string path)
    {
        var parsed = Parse("combined", line.TrimEnd());

        Assert.Equal("", parsed.Method);
        Assert.Equal(path, parsed.Path);
        Assert.Equal("", parsed.Protocol);
        Assert.Equal(400, parsed.Status);
    }

    [Fact]
    public void Long_tls_client_hello_with_nul_and_spaces_is_kept_whole_without_nul()
    {
        // nginx writes the same escapes with upper-case hex (exchangetuts.com, "How to read nginx access.log").
        const string Line = """172.68.244.173 - - [24/Aug/2018:12:14:04 +0000] "\x16\x03\x01\x00\xEC\x01\x00\x00\xE8\x03\x03\x8A?\xB5\xFA\x17?\x8A\x9B\x04T>yK\x1A\xF6\x8F_\xBE:.\xF9\xED\xF6\xEE\xFCM\xD0\x88Ji\xDD\xF5 \xFF\xBDm\x98@mo:U\xA6\x0E\xB7\x93\x02sm`\xC6\xD1s0vV*\x88y\xDA&\xFCfZ\xF4\x00\x16\x13\x01\x13\x02\x13\x03\xC0+\xC0/\xC0\x13\x00\x9C\x00/\xC0(\x005\x00" 400 173 "-" "-" """;

        var parsed = Parse("combined", Line.TrimEnd());

        Assert.Equal("", parsed.Method);
        Assert.StartsWith("\u0016\u0003\u0001\uFFFD", parsed.Path, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', parsed.Path);
        Assert.Equal(173, parsed.Bytes);
    }

    [Fact]
    public void Binary_garbage_request_decodes_invalid_utf8_bytes_as_replacement_characters()
    {
        // kassner/log-parser#22: "several invalid request strings" in an Apache 2.4 log.
        var parsed = Parse("combined", """169.229.3.91 - - [05/Jun/2016:15:26:51 +0200] "\x99\xf3\x0fF\xd9\xdde\xba\x97" 501 308 "-" "-" """.TrimEnd());

        Assert.Equal("", parsed.Method);
        Assert.Equal("\uFFFD\uFFFD\u000FF\uFFFD\uFFFDe\uFFFD\uFFFD", parsed.Path);
        Assert.Equal(501, parsed.Status);
    }

    [Fact]
    public void Request_line_without_protocol_version_is_kept_whole()
    {
        // A traversal probe answered 400 (a post on CentOS httpd logs): "HTTP" has no version.
        var parsed = Parse("combined", """185.53.90.19 - - [20/May/2021:20:52:24 +0000] "GET ../../proc/ HTTP" 400 226 "-" "-" """.TrimEnd());

        Assert.Equal("", parsed.Method);
        Assert.Equal("GET ../../proc/ HTTP", parsed.Path);
    }

    [Fact]
    public void Http09_request_line_is_kept_whole()
    {
        var parsed = Parse("common", """203.0.113.5 - - [17/Aug/2015:12:10:11 +0900] "GET /" 200 1024""");

        Assert.Equal("", parsed.Method);
        Assert.Equal("GET /", parsed.Path);
        Assert.Equal("", parsed.Protocol);
    }

    [Fact]
    public void Range_header_dos_line_from_the_incident_is_a_head_206()
    {
        var parsed = Parse("combined", """202.215.15.8 - - [17/Aug/2015:12:10:11 +0900] "HEAD / HTTP/1.1" 206 - "-" "-" """.TrimEnd());

        Assert.Equal("202.215.15.8", parsed.ClientIp);
        Assert.Equal(Utc("2015-08-17T03:10:11Z"), parsed.TimeUtc);
        Assert.Equal("HEAD", parsed.Method);
        Assert.Equal(206, parsed.Status);
        Assert.Equal(0, parsed.Bytes);
    }

    [Fact]
    public void Escaped_quote_in_user_agent_is_decoded()
    {
        // fluent/fluent-bit#566 (the reporter anonymised the address; a documentation address stands in).
        var parsed = Parse("combined", """192.0.2.44 - - [16/Apr/2018:16:19:20 +0000] "POST /myURL HTTP/1.1" 200 8073 "-" "Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\" Build/LMY47I)" """.TrimEnd());

        Assert.Equal("Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\" Build/LMY47I)", parsed.UserAgent);
    }

    [Fact]
    public void Escaped_quote_followed_by_space_and_quote_does_not_end_the_referer()
    {
        var parsed = Parse("combined", """198.51.100.2 - - [16/Apr/2018:16:19:20 +0000] "GET /a HTTP/1.1" 200 1 "http://example.com/?q=\" \"x" "curl/8.5.0" """.TrimEnd());

        Assert.Equal("http://example.com/?q=\" \"x", parsed.Referer);
        Assert.Equal("curl/8.5.0", parsed.UserAgent);
    }

    [Fact]
    public void Unescaped_quote_from_another_server_stays_in_the_field()
    {
        var parsed = Parse("combined", """198.51.100.2 - - [16/Apr/2018:16:19:20 +0000] "GET /a"b HTTP/1.1" 200 1 "http://example.com/"x" "Mozilla/5.0 "quoted"" """.TrimEnd());

        Assert.Equal("/a\"b", parsed.Path);
        Assert.Equal("http://example.com/\"x", parsed.Referer);
        Assert.Equal("Mozilla/5.0 \"quoted\"", parsed.UserAgent);
    }

    [Fact]
    public void Escaped_utf8_bytes_decode_to_text()
    {
        // maxmind/mod_maxminddb#73: Apache logs the UTF-8 city name "San José" as San Jos\xc3\xa9.
        var parsed = Parse("""%h %l %u %t "%r" %>s %b "%{MM_CITY_NAME}e" """.TrimEnd(),
            """203.0.113.7 - - [21/Oct/2018:10:00:00 +0000] "GET /caf\xc3\xa9 HTTP/1.1" 200 5 "San Jos\xc3\xa9" """.TrimEnd());

        Assert.Equal("/café", parsed.Path);
        Assert.Equal("San José", parsed.Extras["env.MM_CITY_NAME"]);
    }

    [Fact]
    public void Backslash_and_c_style_escapes_decode()
    {
        var parsed = Parse("combined", """203.0.113.7 - - [21/Oct/2018:10:00:00 +0000] "GET /a\\b HTTP/1.1" 200 5 "-" "tab\there\nnul\x00end" """.TrimEnd());

        Assert.Equal("/a\\b", parsed.Path);
        Assert.Equal("tab\there\nnul\uFFFDend", parsed.UserAgent);
    }

    [Fact]
    public void Empty_user_name_logged_as_two_quotes_is_empty()
    {
        // crowdsecurity/hub#1764: Apache 2.4.66 logs an empty authenticated user as "".
        var parsed = Parse("combined", """1.2.3.4 - "" [12/Apr/2026:18:22:20 +0200] "GET urlyyy HTTP/1.1" 200 1334 "-" "Mozilla/3.0 (compatible; Indy Library)" """.TrimEnd());

        Assert.Equal("", parsed.RemoteUser);
        Assert.Equal("urlyyy", parsed.Path);
        Assert.Equal("Mozilla/3.0 (compatible; Indy Library)", parsed.UserAgent);
    }

    [Fact]
    public void Request_header_beyond_the_columns_is_an_extra_named_by_the_header()
    {
        // Filebeat test.log: a combined line with a quoted X-Forwarded-For appended.
        var parsed = Parse(CombinedWithForwardedFor.TrimEnd(), """172.17.0.1 - - [29/May/2017:19:02:48 +0000] "GET /stringpatch HTTP/1.1" 404 612 "-" "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2" "10.0.0.2, 10.0.0.1" """.TrimEnd());

        Assert.Equal("Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2", parsed.UserAgent);
        Assert.Equal("10.0.0.2, 10.0.0.1", parsed.Extras["X-Forwarded-For"]);
    }

    [Theory]
    // A Kali/Docker Apache 2.2 lab log (vhost_combined): a directory scanner and an internal dummy connection.
    [InlineData("""172.17.0.2:80 10.2.9.211 - - [31/Jan/2025:03:26:47 +0000] "GET /200 HTTP/1.1" 404 459 "-" "feroxbuster/2.11.0" """,
        "172.17.0.2", "80", "10.2.9.211", "/200", 404, 459, "feroxbuster/2.11.0")]
    [InlineData("""172.17.0.2:80 127.0.0.1 - - [31/Jan/2025:03:26:49 +0000] "OPTIONS * HTTP/1.0" 200 126 "-" "Apache/2.2.22 (Ubuntu) (internal dummy connection)" """,
        "172.17.0.2", "80", "127.0.0.1", "*", 200, 126, "Apache/2.2.22 (Ubuntu) (internal dummy connection)")]
    // A Finnish Debian course's other_vhosts_access.log.
    [InlineData("""joonas.example.com:80 127.0.0.1 - - [02/Feb/2026:10:07:52 +0200] "GET / HTTP/1.1" 304 248 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0" """,
        "joonas.example.com", "80", "127.0.0.1", "/", 304, 248, "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")]
    // fox-it/dissect.target's Apache plugin tests.
    [InlineData("""example.com:80 127.0.0.1 - - [19/Dec/2022:17:25:40 +0100] "GET / HTTP/1.1" 200 312 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64); AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36" """,
        "example.com", "80", "127.0.0.1", "/", 200, 312, "Mozilla/5.0 (Windows NT 10.0; Win64; x64); AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36")]
    public void Vhost_combined_lines_give_virtual_host_port_and_bytes_sent(string line, string vhost, string port, string ip, string path, int status, long bytes, string userAgent)
    {
        var parsed = Parse("vhost_combined", line.TrimEnd());

        Assert.Equal(vhost, parsed.VirtualHost);
        Assert.Equal(port, parsed.Extras["port"]);
        Assert.Equal(ip, parsed.ClientIp);
        Assert.Equal(path, parsed.Path);
        Assert.Equal(status, parsed.Status);
        Assert.Equal(bytes, parsed.Bytes);
        Assert.Equal(userAgent, parsed.UserAgent);
    }

    [Fact]
    public void Filebeat_vhost_without_port_line_parses_with_its_format()
    {
        var parsed = Parse("""%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" """.TrimEnd(),
            """vhost1.domaine.fr 123.123.123.123 - - [04/Jul/2019:09:20:46 +0200] "GET / HTTP/1.1" 200 32953 "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.100 Safari/537.36" """.TrimEnd());

        Assert.Equal("vhost1.domaine.fr", parsed.VirtualHost);
        Assert.Equal("123.123.123.123", parsed.ClientIp);
        Assert.Equal(Utc("2019-07-04T07:20:46Z"), parsed.TimeUtc);
    }

    [Fact]
    public void Mod_ssl_request_log_has_no_status_and_keeps_ssl_variables()
    {
        // Filebeat ssl-request.log, written with mod_ssl's default "%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b".
        var parsed = Parse("""%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b""",
            """[16/Oct/2019:11:53:47 +0200] 81.2.69.143 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET /appl/ajaxhelper.php?cmd=getxicoreajax&opts=%7B%22func%22%3A%22get_pagetop_alert_content_html%22%2C%22args%22%3A%22%22%7D&nsp=c2700eab9797eda8a9f65a3ab17a6adbceccd60a6cca7708650a5923950d HTTP/1.1" -""");

        Assert.Equal("81.2.69.143", parsed.ClientIp);
        Assert.Equal(Utc("2019-10-16T09:53:47Z"), parsed.TimeUtc);
        Assert.Equal(-1, parsed.Status);
        Assert.Equal(0, parsed.Bytes);
        Assert.Equal("TLSv1.2", parsed.Extras["ssl.SSL_PROTOCOL"]);
        Assert.Equal("ECDHE-RSA-AES128-GCM-SHA256", parsed.Extras["ssl.SSL_CIPHER"]);
        Assert.StartsWith("/appl/ajaxhelper.php?cmd=getxicoreajax&opts=%7B", parsed.Path, StringComparison.Ordinal);
    }
}
