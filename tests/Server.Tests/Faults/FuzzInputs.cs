using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;

namespace Dashboard.Server.Tests.Faults;

/// <summary>
/// What a hostile or broken client may send: requests to every ingest endpoint with any content type,
/// encoding and headers, and bodies that are noise, mangled log lines or JSON of any shape; and query
/// strings for every read endpoint and page.
/// </summary>
public static class FuzzInputs
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    private static readonly string[] IngestPaths =
    [
        "/api/v1/ingest/access", "/api/v1/ingest/syslog", "/api/v1/ingest/meminfo", "/api/v1/ingest/collectd",
        "/api/v1/ingest/vmstat", "/loki/api/v1/push",
    ];

    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (10, Gen.Char[' ', '~']),
        (3, Gen.Char["\"\\{}[]:,-/.%0123456789\n\r\t"]),
        (1, Gen.Char['\0', '\u001f']),
        (1, Gen.Char['\u0080', '\uffff']));

    private static readonly Gen<string> AnyText = AnyChar.Array[0, 60].Select(chars => new string(chars));

    private static readonly Gen<string> Printable = Gen.Char['!', '~'].Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<string> Time = Gen.OneOf(
        Gen.OneOf("2015-08-17T12:31:33+09:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z",
            "2015-02-29T00:00:00Z", "2015-08-17T24:00:00Z", "2015-08-17T12:00:00", "2015-08-17 12:00:00 09:00", "1439782293", "-1", "1e308", ""),
        Gen.Select(Gen.Int[0, 12000], Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[-14, 14])
            .Select((y, m, d, o) => string.Create(CultureInfo.InvariantCulture, $"{y:0000}-{m:00}-{d:00}T12:00:00{(o < 0 ? '-' : '+')}{Math.Abs(o):00}:00")));

    private static readonly Gen<string> AccessLine = Gen.Select(Gen.Int[0, 255], Gen.Int[-100_000, 100_000], Gen.OneOf("GET", "HEAD", "POST", "", "\"\\x16"), Gen.Int[-5, 1000])
        .Select((ip, seconds, method, status) => string.Create(CultureInfo.InvariantCulture,
            $"192.0.2.{ip} - - [{Noon.AddSeconds(seconds):dd/MMM/yyyy:HH:mm:ss} +0900] \"{method} /p?{seconds} HTTP/1.1\" {status} 0 \"-\" \"-\""));

    private static readonly Gen<string> SyslogLine = Gen.OneOf(
        Gen.Int[0, 99_999].Select(pid => $"Aug 17 12:31:33 fuzz kernel: Out of memory: Kill process {pid} (httpd) score 26 or sacrifice child"),
        Time.Select(time => $"<13>1 {time} fuzz app - - - message"),
        Gen.Const("Aug 17 12:31:33 fuzz kernel: Killed process 12921, UID 48, (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:120kB"));

    private static readonly Gen<string> MeminfoText = Gen.Select(Gen.Long[-1, long.MaxValue], Gen.Long[-1, 10_000_000])
        .Select((total, free) => $"MemTotal: {total} kB\nMemFree: {free} kB\nSwapTotal: {free} kB\nSwapFree: 0 kB\n");

    // A mangled copy: some characters replaced, cut or repeated.
    private static Gen<string> Mangled(Gen<string> text) => Gen.Select(text, Gen.Int[0, 3], Gen.Int[0, 200], AnyText)
        .Select((line, how, at, noise) =>
        {
            at = Math.Min(at, line.Length);
            return how switch
            {
                0 => line,
                1 => line[..at] + noise + line[at..],
                2 => line[..at],
                _ => line + line,
            };
        });

    private static readonly Gen<string> Lines = Gen.OneOf(Mangled(AccessLine), Mangled(SyslogLine), Mangled(MeminfoText), AnyText).Array[0, 30]
        .Select(lines => string.Join('\n', lines));

    private static readonly string[] JsonKeys =
    [
        "message", "log", "MESSAGE", "time", "memTotalKb", "memAvailableKb", "swapFreeKb", "__REALTIME_TIMESTAMP", "_HOSTNAME",
        "SYSLOG_IDENTIFIER", "_TRANSPORT", "streams", "stream", "values", "host", "plugin", "type", "type_instance", "dstypes", "interval", "kind",
    ];

    private static readonly Gen<string> JsonString = Gen.OneOf(
        Gen.OneOf("\\ud800", "a\\udfffb", "\\u0000", "\\uD83D\\uDE00", "kernel", "access", "memory", "syslog", "fuzz", "\\n"),
        Mangled(AccessLine).Select(Escape), Mangled(SyslogLine).Select(Escape), Printable.Select(Escape))
        .Select(text => "\"" + text + "\"");

    private static readonly Gen<string> JsonScalar = Gen.OneOf(
        JsonString, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)), Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0"),
        Gen.OneOf("null", "true", "false", "1e400", "-0", "99999999999999999999999", "1439782293.123", "\"1439782293000000000\""));

    private static Gen<string> JsonValue(int depth) => depth == 0 ? JsonScalar : Gen.Frequency(
        (3, JsonScalar),
        (2, Gen.Select(Gen.OneOf(Gen.OneOf(JsonKeys), Printable), JsonValue(depth - 1)).Array[0, 6]
            .Select(members => "{" + string.Join(',', members.Select(m => $"\"{Escape(m.Item1)}\":{m.Item2}")) + "}")),
        (1, JsonValue(depth - 1).Array[0, 6].Select(items => "[" + string.Join(',', items) + "]")));

    private static readonly Gen<string> LokiPush = Gen.Select(JsonValue(2).Array[0, 3], Gen.Select(JsonScalar, JsonScalar).Array[0, 5])
        .Select((labels, entries) => "{\"streams\":[{\"stream\":{" + string.Join(',', labels.Select((l, i) => $"\"{JsonKeys[i % JsonKeys.Length]}\":{l}")) + "},\"values\":["
            + string.Join(',', entries.Select(e => $"[{e.Item1},{e.Item2}]")) + "]}]}");

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (2, Gen.Byte.Array[0, 2000]),
        (4, Lines.Select(Encoding.UTF8.GetBytes)),
        (3, JsonValue(3).Select(Encoding.UTF8.GetBytes)),
        (2, JsonValue(2).Array[0, 20].Select(records => Encoding.UTF8.GetBytes(string.Join('\n', records)))),
        (2, LokiPush.Select(Encoding.UTF8.GetBytes)));

    private static Gen<string?> Maybe(Gen<string> value) => Gen.Frequency((2, Gen.Const((string?)null)), (1, value.Select(v => (string?)v)));

    public static readonly Gen<IngestRequest> IngestRequests = Gen.Select(
        Gen.OneOf(IngestPaths),
        Maybe(Gen.OneOf(Gen.OneOf("text/plain", "application/json", "application/x-ndjson", "application/x-www-form-urlencoded",
            "application/octet-stream", "application/xml", "text/plain; charset=utf-16", "application/json; charset=latin1", ";;;"), Printable)),
        Maybe(Gen.OneOf("gzip", "deflate", "br", "identity", "x-gzip", "zstd", "gzip, gzip", "GZIP")),
        Gen.Bool,
        Gen.Int[0, 100],
        Body,
        Gen.Select(
            Maybe(Gen.OneOf(Gen.OneOf("common", "combined", "vhost_combined", "%h %t \"%r\" %>s", "%{", "%t %t"), Printable)),
            Maybe(Gen.OneOf(Gen.OneOf("Asia/Tokyo", "UTC", "Mars/Olympus", "../../etc/passwd"), Printable)),
            Maybe(Gen.OneOf(Gen.Int[-10, 12000].Select(y => y.ToString(CultureInfo.InvariantCulture)), Printable)),
            Maybe(Time),
            Maybe(Printable)))
        .Select((path, contentType, encoding, encodeProperly, cutPercent, body, headers) =>
            new IngestRequest(path, contentType, encoding, encodeProperly, cutPercent, body, headers.Item1, headers.Item2, headers.Item3, headers.Item4, headers.Item5));

    /// <summary>One generated request; <see cref="ToString"/> says what it was when a property fails.</summary>
    public sealed record IngestRequest(
        string Path, string? ContentType, string? Encoding, bool EncodeProperly, int CutPercent, byte[] Body,
        string? LogFormat, string? TimeZone, string? Year, string? SampleTime, string? IdempotencyKey)
    {
        public HttpRequestMessage ToHttpRequest()
        {
            var body = Encoding is "gzip" or "deflate" or "br" && EncodeProperly ? Compress(Encoding, Body) : Body;
            // Now and then a compressed body is cut short, as an upload is when its shipper dies.
            if (CutPercent < 10)
            {
                body = body[..(body.Length * CutPercent / 10)];
            }
            var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
            if (Encoding is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Encoding", Encoding);
            }
            Add(request.Headers, "X-Log-Format", LogFormat);
            Add(request.Headers, "X-Log-Timezone", TimeZone);
            Add(request.Headers, "X-Log-Year", Year);
            Add(request.Headers, "X-Sample-Time", SampleTime);
            Add(request.Headers, "Idempotency-Key", IdempotencyKey);
            return request;
        }

        public override string ToString() =>
            $"{Path} type={ContentType} encoding={Encoding}({EncodeProperly}, cut {CutPercent}) format={LogFormat} zone={TimeZone} year={Year} "
            + $"sample={SampleTime} key={IdempotencyKey} body={Convert.ToBase64String(Body)}";
    }

    private static readonly string[] ReadPaths =
    [
        "/api/v1/hosts", "/api/v1/traffic", "/api/v1/ips", "/api/v1/ips/{ip}", "/api/v1/ips/{ip}/requests", "/api/v1/ips/{ip}/requests.csv",
        "/api/v1/memory", "/api/v1/events", "/", "/ips/{ip}",
    ];

    private static readonly Gen<string> Address = Gen.OneOf(
        Gen.OneOf("202.215.15.8", "2001:db8::1", "::ffff:1.2.3.4", "10.1", "1.2.3.4%25eth0", "..", "%00", "%3Cscript%3E", "0", "::", "255.255.255.256"),
        Printable.Select(Uri.EscapeDataString));

    private static readonly Gen<string> QueryValue = Gen.OneOf(
        Time, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)), Gen.OneOf("15m", "1h", "7d", "browser", "utc", "host", "Asia/Tokyo", "1", "hoge", "fuzz", "1439782293000000.5"),
        AnyText);

    private static readonly string[] QueryNames = ["from", "to", "host", "top", "limit", "before", "sparklines", "tz", "range", "live"];

    public static readonly Gen<string> ReadAddresses = Gen.Select(
        Gen.OneOf(ReadPaths), Address, Gen.Select(Gen.OneOf(QueryNames), QueryValue).Array[0, 6])
        .Select((path, ip, query) => path.Replace("{ip}", ip, StringComparison.Ordinal)
            + (query.Length == 0 ? "" : "?" + string.Join('&', query.Select(q => q.Item1 + "=" + Uri.EscapeDataString(q.Item2)))));

    // Any UTF-16 text as a JSON string's content: a surrogate (paired or not) as a \u escape, as a
    // client's JSON library might write one.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                escaped.Append('\\').Append(c);
            }
            else if (c < ' ' || char.IsSurrogate(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    private static byte[] Compress(string encoding, byte[] body)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }
        return buffer.ToArray();
    }

    private static void Add(HttpRequestHeaders headers, string name, string? value)
    {
        if (value is not null)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
