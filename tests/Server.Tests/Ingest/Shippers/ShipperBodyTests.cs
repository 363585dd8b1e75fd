using System.Net;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest.Shippers;

/// <summary>The bodies the shippers people run send, byte for byte as their sources write them.</summary>
public sealed class ShipperBodyTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri AccessUri = new("/api/v1/ingest/access", UriKind.Relative);
    private static readonly Uri SyslogUri = new("/api/v1/ingest/syslog", UriKind.Relative);
    private static readonly Uri PushUri = new("/loki/api/v1/push", UriKind.Relative);

    private const string Line1 = """202.215.15.8 - - [17/Aug/2015:12:31:33 +0900] "HEAD /search?q=a+b%20c HTTP/1.1" 206 1024 "-" "Mozilla/5.0 (compatible; \"x\")" """;
    private const string Line2 = """202.215.15.8 - - [17/Aug/2015:12:31:34 +0900] "HEAD / HTTP/1.1" 206 1024 "-" "-" """;

    private Task<long> CountAsync(string table, string host) =>
        Sql.CountAsync(app.ConnectionString, $"SELECT count(*) FROM {table} t JOIN hosts h ON h.id = t.host_id WHERE h.name = $1", host);

    // Fluent Bit out_http, Format json_lines: one {"<json_date_key>": <double epoch>, <record>} per line, sent as
    // Content-Type: application/x-ndjson (plugins/out_http/http.h: FLB_HTTP_MIME_NDJSON "application/x-ndjson";
    // http.c adds it when out_format == FLB_PACK_JSON_FORMAT_LINES). The tail input puts the line in "log".
    [Fact]
    public async Task Fluent_bit_out_http_json_lines_of_the_tail_input_are_access_lines()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fb-http"));
        var body = $$"""
            {"date":1439782293.0,"log":{{Quote(Line1.TrimEnd())}}}
            {"date":1439782294.0,"log":{{Quote(Line2.TrimEnd())}}}

            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(AccessUri, HttpBodies.Text(body, "application/x-ndjson")));

        Assert.Equal((2, 0), (answer.Accepted, answer.Rejected));
        var paths = await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.path FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'fb-http' ORDER BY a.time");
        Assert.Equal(["/search?q=a+b%20c", "/"], paths.Select(r => (string)r[0]!));
    }

    // Vector's http sink with encoding.codec = "json" and framing.method = "newline_delimited": Content-Type
    // application/x-ndjson, and the body's trailing newline removed "for backwards-compatibility with Vector
    // 0.20.x" (src/sinks/http/config.rs). The file source's event: file, host, message, source_type, timestamp.
    [Fact]
    public async Task Vector_http_sink_ndjson_of_the_file_source_is_syslog()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vector-http", "Asia/Tokyo"));
        const string body = """
            {"file":"/var/log/messages","host":"vector-http","message":"Aug 17 12:31:33 vector-http kernel: Out of memory: Kill process 12921 (java) score 226 or sacrifice child","source_type":"file","timestamp":"2015-08-17T03:31:34.123456789Z"}
            {"file":"/var/log/messages","host":"vector-http","message":"Aug 17 12:31:33 vector-http kernel: Killed process 12921, UID 500, (java) total-vm:3512908kB, anon-rss:912384kB, file-rss:120kB","source_type":"file","timestamp":"2015-08-17T03:31:34.123456789Z"}
            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(SyslogUri, HttpBodies.Text(body, "application/x-ndjson")));

        Assert.Equal((2, 0), (answer.Accepted, answer.Rejected));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'vector-http' AND e.kind = 'oom-kill' AND e.pid = 12921"));
    }

    // Vector's loki sink with compression = "gzip" sends the JSON form (snappy, its default, means protobuf):
    // serde_json::json!({ "streams": streams }) where a stream is {"stream": labels, "values": [[timestamp.to_string(),
    // line], …]} (src/sinks/loki/event.rs: LokiBatchEncoding::Json, impl Serialize for LokiEvent).
    [Fact]
    public async Task Vector_loki_sink_gzip_json_push_is_stored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("vector-loki", "Asia/Tokyo"));
        const string body = """
            {"streams":[{"stream":{"host":"vector-loki","kind":"syslog"},"values":[["1439782294123456789","Aug 17 12:31:33 vector-loki kernel: Out of memory: Killed process 4242 (httpd) total-vm:1233196kB, anon-rss:389444kB, file-rss:0kB, shmem-rss:0kB"]]},{"stream":{"host":"vector-loki","kind":"access"},"values":[["1439782294000000000","202.215.15.8 - - [17/Aug/2015:12:31:33 +0900] \"HEAD / HTTP/1.1\" 206 1024 \"-\" \"-\""]]}]}
            """;

        var response = await client.PostAsync(PushUri, HttpBodies.Gzip(Encoding.UTF8.GetBytes(body), "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, await CountAsync("access_log", "vector-loki"));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM host_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'vector-loki' AND e.pid = 4242"));
    }

    // Fluent Bit's loki output: Content-Type application/json (plugins/out_loki/loki.h: FLB_LOKI_CT_JSON), its
    // default label job=fluent-bit, and line_format json: the line is the record as JSON ({"log": "…"}). With
    // drop_single_key on, a lone string value is still JSON (quoted); with drop_single_key raw it is the bare
    // text (loki.c: FLB_LOKI_DROP_SINGLE_KEY_ON / _RAW). All three reach the parser as the same line.
    [Fact]
    public async Task Fluent_bit_loki_output_lines_as_json_records_quoted_strings_or_raw_text_are_access_lines()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("fb-loki"));
        var body = $$"""
            {"streams":[{"stream":{"job":"fluent-bit","kind":"access"},"values":[
              ["1439782293000000000",{{Quote($$"""{"log":{{Quote(Line1.TrimEnd())}}}""")}}],
              ["1439782294000000000",{{Quote(Quote(Line2.TrimEnd()))}}],
              ["1439782295000000000",{{Quote(Line2.TrimEnd().Replace("12:31:34", "12:31:35", StringComparison.Ordinal))}}]
            ]}]}
            """;

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(PushUri, HttpBodies.Text(body, "application/json"))).StatusCode);

        Assert.Equal(3, await CountAsync("access_log", "fb-loki"));
        Assert.Equal(0, await CountAsync("rejected_lines", "fb-loki"));
    }

    // syslog-ng's http() destination sends the batch's bodies joined by newlines with no Content-Type of its
    // own, so libcurl labels it application/x-www-form-urlencoded; the lines are raw, not form-encoded:
    // '+' and '%20' in them are literal.
    [Fact]
    public async Task Syslog_ng_http_raw_lines_labelled_as_a_form_are_read_as_lines_without_url_decoding()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("syslog-ng-http"));

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(AccessUri,
            HttpBodies.Text(Line1.TrimEnd() + "\n" + Line2.TrimEnd(), "application/x-www-form-urlencoded")));

        Assert.Equal((2, 0), (answer.Accepted, answer.Rejected));
        var paths = await Sql.RowsAsync(app.ConnectionString,
            "SELECT a.path FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'syslog-ng-http' ORDER BY a.time");
        Assert.Equal(["/search?q=a+b%20c", "/"], paths.Select(r => (string)r[0]!));
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
