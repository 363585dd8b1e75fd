using System.Net;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>
/// JSON may escape half of a UTF-16 pair (<c>"\ud800"</c>), which no .NET string read can hold: the record
/// that carries one is rejected with its reason, and the batch around it is stored.
/// </summary>
public sealed class LoneSurrogateTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));
    private const string LoneSurrogate = "\\ud800";

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static Task<long> CountAsync(DashboardApp app, string table, string host) =>
        Sql.CountAsync(app.ConnectionString, $"SELECT count(*) FROM {table} t JOIN hosts h ON h.id = t.host_id WHERE h.name = $1", host);

    [Fact]
    public async Task One_access_record_of_a_thousand_is_rejected_and_999_are_stored()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-access"));
        var records = Enumerable.Range(0, 1000).Select(i => i == 500
            ? $"{{\"message\":\"a{LoneSurrogate} b\"}}"
            : $"{{\"message\":{JsonString(ApacheLines.Combined("192.0.2.7", Noon.AddSeconds(i)))}}}");

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text("[" + string.Join(',', records) + "]", "application/json")));

        Assert.Equal((999, 1), (answer.Accepted, answer.Rejected));
        Assert.Equal(501, Assert.Single(answer.Errors).Line);
        Assert.Contains("surrogate", Assert.Single(answer.Errors).Reason, StringComparison.Ordinal);
        Assert.Equal(999, await CountAsync(app, "access_log", "surrogate-access"));
        Assert.Equal(1, await CountAsync(app, "rejected_lines", "surrogate-access"));
    }

    [Fact]
    public async Task A_journal_record_with_a_lone_surrogate_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-journal"));
        var realtime = Noon.ToUnixTimeMilliseconds() * 1000;
        string[] records =
        [
            $"{{\"__REALTIME_TIMESTAMP\":\"{realtime}\",\"_HOSTNAME\":\"surrogate-journal\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"first\"}}",
            $"{{\"__REALTIME_TIMESTAMP\":\"{realtime}\",\"_HOSTNAME\":\"surrogate-journal\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"bad {LoneSurrogate}\"}}",
            $"{{\"__REALTIME_TIMESTAMP\":\"{realtime}\",\"_HOSTNAME\":\"x{LoneSurrogate}\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"bad host\"}}",
            $"{{\"__REALTIME_TIMESTAMP\":\"{realtime}\",\"_HOSTNAME\":\"surrogate-journal\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"last\"}}",
        ];

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/syslog", UriKind.Relative),
            HttpBodies.Text(string.Join('\n', records), "application/x-ndjson")));

        Assert.Equal((2, 2), (answer.Accepted, answer.Rejected));
        Assert.Equal([2, 3], answer.Errors.Select(e => e.Line));
        Assert.Equal(2, await CountAsync(app, "syslog_lines", "surrogate-journal"));
    }

    [Fact]
    public async Task A_meminfo_sample_with_a_lone_surrogate_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-meminfo"));
        var body = $$"""
            [{"time":"2015-08-17T12:00:00+09:00","memTotalKb":1000,"memAvailableKb":500},
             {"time":"2015-08-17T12:00:10+09:00{{LoneSurrogate}}","memTotalKb":1000,"memAvailableKb":400},
             {"time":"2015-08-17T12:00:20+09:00","memTotalKb":1000,"memAvailableKb":300}]
            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/meminfo", UriKind.Relative),
            HttpBodies.Text(body, "application/json")));

        Assert.Equal((2, 1), (answer.Accepted, answer.Rejected));
        Assert.Equal(2, await CountAsync(app, "memory_samples", "surrogate-meminfo"));
    }

    [Fact]
    public async Task A_collectd_value_list_with_a_lone_surrogate_is_rejected_alone()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-collectd"));
        var body = $$"""
            [{"values":[1],"dstypes":["gauge"],"dsnames":["value"],"time":1439780400,"interval":10,"host":"surrogate-collectd{{LoneSurrogate}}","plugin":"memory","plugin_instance":"","type":"memory","type_instance":"used"}]
            """;

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/collectd", UriKind.Relative),
            HttpBodies.Text(body, "application/json")));

        Assert.Equal((0, 1), (answer.Accepted, answer.Rejected));
    }

    [Fact]
    public async Task A_loki_entry_or_label_with_a_lone_surrogate_is_rejected_and_the_rest_is_stored_and_a_bad_label_makes_it_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-loki"));
        var ns = (Noon.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var good = JsonString(ApacheLines.Combined("192.0.2.8", Noon));
        var body = $$"""
            {"streams":[
              {"stream":{"kind":"access"},"values":[["{{ns}}",{{good}}],["{{ns}}","bad {{LoneSurrogate}}"],["{{ns}}",{{good}}]]},
              {"stream":{"kind":"access","team":"x{{LoneSurrogate}}"},"values":[["{{ns}}",{{good}}]]},
              {"stream":{"kind":"access","x{{LoneSurrogate}}":"y"},"values":[["{{ns}}",{{good}}]]}
            ]}
            """;

        var response = await client.PostAsync(new Uri("/loki/api/v1/push", UriKind.Relative), HttpBodies.Text(body, "application/json"));

        // A stream whose labels cannot be read can never be stored: the push says so (400), once the rest is stored.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("surrogate", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(app, "access_log", "surrogate-loki"));
        Assert.Equal(3, await CountAsync(app, "rejected_lines", "surrogate-loki"));
    }

    [Fact]
    public async Task An_ndjson_access_record_with_a_lone_surrogate_in_another_field_is_still_read()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("surrogate-other-field"));
        var record = $"{{\"message\":{JsonString(ApacheLines.Combined("192.0.2.9", Noon))},\"tag\":\"x{LoneSurrogate}\"}}";

        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            new ByteArrayContent(Encoding.UTF8.GetBytes(record)) { Headers = { ContentType = new("application/x-ndjson") } }));

        Assert.Equal((1, 0), (answer.Accepted, answer.Rejected));
    }
}
