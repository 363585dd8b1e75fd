using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using Dashboard.Server.Ingest.Apache;
using static Dashboard.Server.Tests.Ingest.Apache.ParsedLine;

namespace Dashboard.Server.Tests.Ingest.Apache;

public class ParserPropertyTests
{
    private static readonly string[] Formats =
    [
        "common",
        "combined",
        "vhost_combined",
        "combinedio",
        "%h %l %u [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] \"%m %U%q %H\" %>s %B %D \"%{X-Forwarded-For}i\"",
        "%a %{sec}t %V \"%r\" %s %O %{ms}T",
        "%h %{%Y-%m-%d %H:%M:%S}t \"%r\" %>s %{c}a",
        "%t %h %{SSL_PROTOCOL}x \"%r\" %b",
    ];

    private static readonly string[] ValidLines =
    [
        "::1 - - [26/Dec/2016:16:16:29 +0200] \"GET /favicon.ico HTTP/1.1\" 404 209",
        "127.0.0.1 - - [02/Feb/2019:05:38:45 +0100] \"-\" 408 152 \"-\" \"-\"",
        "95.156.251.10 - - [03/Nov/2015:13:56:23 -0500] \"\\x16\\x03\\x02\\x01o\\x01\" 400 226 \"-\" \"-\"",
        "192.0.2.44 - - [16/Apr/2018:16:19:20 +0000] \"POST /myURL HTTP/1.1\" 200 8073 \"-\" \"Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\\\" Build/LMY47I)\"",
        "joonas.example.com:80 127.0.0.1 - - [02/Feb/2026:10:07:52 +0200] \"GET / HTTP/1.1\" 304 248 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0\"",
        "203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\" 420 1500",
        "203.0.113.9 - - [17/Aug/2015 12:10:11.250 +0900] \"POST /login?next=%2F HTTP/2.0\" 302 845 2500 \"198.51.100.7\"",
        "203.0.113.9 1439782293 www.example.com \"GET /caf\\xc3\\xa9 HTTP/1.1\" 200 1500 12",
        "203.0.113.9 2015-08-17 12:31:33 \"GET / HTTP/1.1\" 200 10.0.0.1",
        "[16/Oct/2019:11:53:47 +0200] 81.2.69.143 TLSv1.2 \"GET /appl HTTP/1.1\" -",
    ];

    private static readonly LogFormat[] Compiled = [.. Formats.Select(Compile)];

    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (10, Gen.Char[' ', '~']),
        (4, Gen.Char["\"\\ []:-/.%x0123456789abcdef"]),
        (1, Gen.Char['\0', '\u001f']),
        (1, Gen.Char['\u0080', '\uffff']));

    private static readonly Gen<string> AnyString = AnyChar.Array[0, 40].Select(chars => new string(chars));

    [Fact]
    public void Random_text_never_makes_the_parser_throw()
    {
        Gen.Select(Gen.Int[0, Formats.Length - 1], AnyChar.Array[0, 400])
            .Sample((format, chars) => ParseAnything(format, chars), iter: 20_000);
    }

    [Fact]
    public void Mutated_real_lines_never_make_the_parser_throw()
    {
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Double[0, 1], Gen.Int[0, 30], AnyString);
        Gen.Select(Gen.Int[0, Formats.Length - 1], Gen.Int[0, ValidLines.Length - 1], mutation.Array[1, 5])
            .Sample((format, line, mutations) => ParseAnything(format, Mutate(ValidLines[line], mutations).AsSpan()), iter: 20_000);
    }

    [Fact]
    public void Every_sample_line_parses_with_its_own_format()
    {
        var pairs = new[] { (0, 0), (1, 1), (1, 2), (1, 3), (2, 4), (3, 5), (4, 6), (5, 7), (6, 8), (7, 9) };
        foreach (var (format, line) in pairs)
        {
            Assert.True(Compiled[format].CreateParser(TimeZoneInfo.Utc).TryParse(ValidLines[line], out _, out var error), $"{Formats[format]}: {error}");
        }
    }

    [Fact]
    public void Long_line_is_parsed_or_rejected_without_throwing()
    {
        var agent = new string('a', 300_000);
        var parsed = Parse("combined", $"203.0.113.1 - - [17/Aug/2015:12:31:33 +0900] \"GET / HTTP/1.1\" 200 5 \"-\" \"{agent}\"");
        Assert.Equal(agent, parsed.UserAgent);

        var parser = Compile("combined").CreateParser(TimeZoneInfo.Utc);
        Assert.False(parser.TryParse(new string('"', 200_000), out _, out _));
        Assert.False(parser.TryParse(string.Concat(Enumerable.Repeat("\\x", 100_000)), out _, out _));
    }

    private static readonly Gen<char> TextChar = Gen.Frequency(
        (10, Gen.Char[' ', '~']),
        (3, Gen.Char["\"\\\t\n\r\b\v\0\u007f"]),
        (1, Gen.Char['\u0001', '\u001f']),
        (2, Gen.Char['\u00a0', '\ud7ff']),
        (1, Gen.Char['\ue000', '\ufffd']));

    private static readonly Gen<string> Text = Gen.Frequency(
            (12, TextChar.Select(c => c.ToString())),
            (1, Gen.Const("\U0001F600")))
        .Array[0, 30].Select(parts => string.Concat(parts));

    private static readonly Gen<string> Token = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"].Array[1, 12].Select(c => new string(c));

    // No spaces: Apache does not escape them, and %u is delimited by one.
    private static readonly Gen<string> User = Gen.Char["abc\"\\\u00e9\t"].Array[1, 6].Select(c => new string(c));

    private static readonly Gen<string> Address = Gen.OneOf(Gen.Byte.Array[4], Gen.Byte.Array[16]).Select(b => new IPAddress(b).ToString());

    private static readonly Gen<DateTimeOffset> Time = Gen.Select(Gen.Long[new DateTime(1990, 1, 1).Ticks, new DateTime(2040, 1, 1).Ticks], Gen.Int[-14 * 4, 14 * 4])
        .Select((ticks, quarters) => new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerSecond, TimeSpan.FromMinutes(quarters * 15)));

    private sealed record Request(string Vhost, string Ip, string User, DateTimeOffset Time, string Method, string Path, string Protocol,
        int Status, long Bytes, string Referer, string UserAgent);

    private static readonly Gen<Request> Requests =
        Gen.Select(Token, Address, Gen.OneOf(Token, User, Gen.Const("-"), Gen.Const("")), Time, Gen.OneOf(Gen.Const("GET"), Gen.Const("HEAD"), Gen.Const("M-SEARCH"), Token),
                Text.Where(p => p.Length > 0), Gen.OneOf(Gen.Const("HTTP/1.0"), Gen.Const("HTTP/1.1"), Gen.Const("HTTP/2.0")), Gen.Int[100, 999])
            .SelectMany(r => Gen.Select(Gen.Long[0, 1L << 40], Gen.OneOf(Text, Gen.Const("-")), Gen.OneOf(Text, Gen.Const("-")))
                .Select((bytes, referer, agent) => new Request(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, bytes, referer, agent)));

    [Fact]
    public void Values_written_as_apache_writes_them_read_back_unchanged()
    {
        var combined = Compile("vhost_combined");
        Requests.Sample(request =>
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{request.Vhost}:443 {request.Ip} - {Escape(request.User, forUser: true)} [{request.Time:dd/MMM/yyyy:HH:mm:ss} {Offset(request.Time)}] "
                + $"\"{Escape($"{request.Method} {request.Path} {request.Protocol}")}\" {request.Status} {request.Bytes} "
                + $"\"{Escape(request.Referer)}\" \"{Escape(request.UserAgent)}\"");

            var parsed = Parse(combined.CreateParser(TimeZoneInfo.Utc), combined, line);

            Assert.Equal(Expected(request.Vhost), parsed.VirtualHost);
            Assert.Equal(request.Ip, parsed.ClientIp);
            Assert.Equal(Expected(request.User), parsed.RemoteUser);
            Assert.Equal(request.Time.UtcDateTime, parsed.TimeUtc);
            Assert.Equal(Expected(request.Method, dashIsEmpty: false), parsed.Method);
            Assert.Equal(Expected(request.Path, dashIsEmpty: false), parsed.Path);
            Assert.Equal(request.Protocol, parsed.Protocol);
            Assert.Equal(request.Status, parsed.Status);
            Assert.Equal(request.Bytes, parsed.Bytes);
            Assert.Equal(Expected(request.Referer), parsed.Referer);
            Assert.Equal(Expected(request.UserAgent), parsed.UserAgent);
            Assert.Equal("443", parsed.Extras["port"]);
        }, iter: 5_000);
    }

    [Fact]
    public void Times_with_microseconds_in_three_fields_read_back_unchanged()
    {
        var format = Compile("%h [%{%d/%b/%Y %T}t.%{usec_frac}t %{%z}t] \"%r\" %>s");
        Gen.Select(Time, Gen.Int[0, 999_999]).Sample((time, micros) =>
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"192.0.2.1 [{time:dd/MMM/yyyy HH:mm:ss}.{micros:D6} {Offset(time)}] \"GET / HTTP/1.1\" 200");

            var parsed = Parse(format.CreateParser(TimeZoneInfo.Utc), format, line);

            Assert.Equal(time.UtcDateTime.AddTicks(micros * TimeSpan.TicksPerMicrosecond), parsed.TimeUtc);
        }, iter: 2_000);
    }

    [Fact]
    public void Every_ip_address_formatted_by_dotnet_is_a_valid_client()
    {
        Address.Sample(address => Assert.Equal(IpLiteral.Verdict.Valid, IpLiteral.Check(address)), iter: 10_000);
    }

    [Fact]
    public void Every_address_the_validator_accepts_is_one_dotnet_can_store()
    {
        var candidate = Gen.Char["0123456789abcdefABCDEF:.%"].Array[1, 45].Select(c => new string(c));
        candidate.Sample(text =>
        {
            if (IpLiteral.Check(text) == IpLiteral.Verdict.Valid)
            {
                Assert.True(IPAddress.TryParse(text, out _), text);
            }
        }, iter: 50_000);
    }

    private static void ParseAnything(int format, ReadOnlySpan<char> line)
    {
        var parser = Compiled[format].CreateParser(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        if (parser.TryParse(line, out var entry, out var error))
        {
            Assert.Equal(DateTimeKind.Utc, entry.TimeUtc.Kind);
            Assert.Equal(IpLiteral.Verdict.Valid, IpLiteral.Check(entry.ClientIp));
            foreach (var range in entry.ExtraRanges)
            {
                _ = entry.ExtraSource[range];
            }
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    private static string Mutate(string line, (int Kind, double At, int Length, string Text)[] mutations)
    {
        var text = new StringBuilder(line);
        foreach (var (kind, at, length, insert) in mutations)
        {
            var pos = (int)(at * text.Length);
            var span = Math.Min(length, text.Length - pos);
            switch (kind)
            {
                case 0:
                    text.Remove(pos, span);
                    break;
                case 1:
                    text.Insert(pos, insert);
                    break;
                case 2 when pos < text.Length:
                    text[pos] = insert.Length > 0 ? insert[0] : '"';
                    break;
                case 3:
                    text.Length = pos;
                    break;
                case 4:
                    text.Insert(pos, text.ToString(pos, span));
                    break;
                default:
                    text.Insert(pos, "\\x");
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>Apache's ap_escape_logitem, applied to the UTF-8 bytes of a value.</summary>
    private static string Escape(string value, bool forUser = false)
    {
        if (forUser && value.Length == 0)
        {
            return "\"\"";
        }
        var escaped = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            escaped.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\b' => "\\b",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                (byte)'\v' => "\\v",
                < 0x20 or >= 0x7f => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
                _ => ((char)b).ToString(),
            });
        }
        return escaped.ToString();
    }

    private static string Expected(string value, bool dashIsEmpty = true) =>
        dashIsEmpty && value == "-" ? "" : value.Replace('\0', '\uFFFD');

    private static string Offset(DateTimeOffset time)
    {
        var minutes = (int)time.Offset.TotalMinutes;
        return string.Create(CultureInfo.InvariantCulture, $"{(minutes < 0 ? '-' : '+')}{Math.Abs(minutes) / 60:D2}{Math.Abs(minutes) % 60:D2}");
    }
}
