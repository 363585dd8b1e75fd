using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Hosts;

public sealed class AdminApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task An_operator_adds_a_host_whose_token_ships_until_it_is_revoked()
    {
        using var admin = await app.OperatorClientAsync();

        var created = await admin.PostAsJsonAsync("/api/v1/admin/hosts", new HostRequest("admin-web1", "Europe/Berlin", null));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<IssuedToken>())!;
        using var host = app.ClientWithToken(token.Token);
        Assert.Equal(1, (await IngestAnswer.ReadAsync(await host.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text(ApacheLines.Combined("192.0.2.80", Noon))))).Accepted);

        var listed = (await admin.GetFromJsonAsync<List<TokenInfo>>("/api/v1/admin/tokens"))!;
        Assert.Contains(listed, t => t.Id == token.Id && t.Kind == "ingest" && t.Host == "admin-web1" && t.RevokedAt is null);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/admin/tokens/{token.Id}", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Text(ApacheLines.Combined("192.0.2.80", Noon)))).StatusCode);
    }

    [Fact]
    public async Task A_host_with_a_bad_zone_or_format_is_refused_with_the_reasons()
    {
        using var admin = await app.OperatorClientAsync();

        var refused = await admin.PostAsJsonAsync("/api/v1/admin/hosts", new HostRequest("admin-bad", "Mars/Base", "%Z"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Mars/Base", body);
        Assert.Contains("log format", body);
    }

    [Fact]
    public async Task An_operator_issues_a_read_token_that_reads_the_api()
    {
        using var admin = await app.OperatorClientAsync();

        var issued = (await (await admin.PostAsJsonAsync("/api/v1/admin/tokens", new ReaderRequest("grafana"))).Content.ReadFromJsonAsync<IssuedToken>())!;
        using var reader = app.ClientWithToken(issued.Token);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Tokens_cannot_manage_and_strangers_cannot_either()
    {
        using var reader = app.ClientWithToken(await app.AddReaderAsync());
        reader.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        using var stranger = app.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync(new Uri("/api/v1/admin/tokens", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(new Uri("/api/v1/admin/tokens", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_operator_still_needs_the_dashboard_header_to_change_anything()
    {
        using var admin = await app.OperatorClientAsync();
        admin.DefaultRequestHeaders.Remove("X-Dashboard-Request");

        var refused = await admin.PostAsJsonAsync("/api/v1/admin/tokens", new ReaderRequest("forged"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
