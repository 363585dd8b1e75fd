using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CsCheck;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Faults;

/// <summary>
/// Whatever a client sends, the server answers with a status a shipper can act on (never a 500, never a
/// hang), and whatever it stores can be read back through the read API.
/// </summary>
public sealed class FuzzTests(KestrelDashboardApp app) : IClassFixture<KestrelDashboardApp>
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Any_body_and_headers_at_any_ingest_endpoint_get_a_status_a_shipper_acts_on_and_store_only_what_can_be_read()
    {
        using var client = app.SocketClientWithToken(await app.AddHostAsync("fuzz", "Asia/Tokyo"));
        client.Timeout = NoHang;

        await FuzzInputs.IngestRequests.SampleAsync(async generated =>
        {
            using var request = generated.ToHttpRequest();
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.BadRequest
                    or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }, iter: 600, threads: 2, print: generated => generated.ToString());

        var latest = DateTime.UtcNow.AddDays(1);
        foreach (var table in new[] { "access_log", "syslog_lines", "memory_samples", "host_events" })
        {
            Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
                $"SELECT count(*) FROM {table} t JOIN hosts h ON h.id = t.host_id WHERE h.name = 'fuzz' AND (t.time < '1995-01-01' OR t.time > $1)", latest));
        }
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'fuzz' AND a.status NOT BETWEEN 100 AND 599"));
        await EveryStoredRequestIsReadAsync();
    }

    // Each day's requests, as the table holds them and as the read API counts them.
    private async Task EveryStoredRequestIsReadAsync()
    {
        using var reader = app.SocketClientWithToken(await app.AddReaderAsync("fuzz reader"));
        var days = await Sql.RowsAsync(app.ConnectionString,
            "SELECT date_trunc('day', a.time AT TIME ZONE 'UTC')::date, count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'fuzz' GROUP BY 1");
        foreach (var row in days)
        {
            var day = (DateOnly)row[0]!;
            var from = Uri.EscapeDataString(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z");
            var to = Uri.EscapeDataString(day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z");
            var ips = await reader.GetFromJsonAsync<List<IpSummary>>($"/api/v1/ips?host=fuzz&from={from}&to={to}&limit=1000");
            Assert.Equal((long)row[1]!, ips!.Sum(i => i.Requests));
        }
    }

    [Fact]
    public async Task Any_query_string_at_any_read_endpoint_or_page_gets_an_answer_not_a_500()
    {
        using var reader = app.SocketClientWithToken(await app.AddReaderAsync("fuzz query reader"));
        using var browser = await app.SocketOperatorClientAsync();

        await FuzzInputs.ReadAddresses.SampleAsync(async address =>
        {
            var client = address.StartsWith("/api/", StringComparison.Ordinal) ? reader : browser;
            using var noHang = new CancellationTokenSource(NoHang);
            using var response = await client.GetAsync(new Uri(address, UriKind.Relative), noHang.Token);
            // A page answers 200 (drawn, or drawn with the reason it cannot show the view); Kestrel refuses some addresses itself (400).
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                $"{address}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }, iter: 600, threads: 2);
    }
}
