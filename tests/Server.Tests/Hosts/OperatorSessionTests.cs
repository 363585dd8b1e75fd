using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Hosts;

public sealed class OperatorSessionTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri Session = new("/api/v1/session", UriKind.Relative);

    private HttpClient Browser()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        return client;
    }

    [Fact]
    public async Task The_first_operator_signs_in_with_the_configured_password_and_reads_with_the_session()
    {
        using var browser = Browser();

        var signIn = await browser.PostAsJsonAsync(Session, new LoginRequest("admin", DashboardApp.AdminPassword));

        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("admin", (await browser.GetFromJsonAsync<SessionInfo>(Session))!.Name);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("admin", "wrong password")]
    [InlineData("nobody", "correct horse battery staple")]
    public async Task Wrong_credentials_are_401_without_saying_which_part_was_wrong(string name, string password)
    {
        using var browser = Browser();

        var signIn = await browser.PostAsJsonAsync(Session, new LoginRequest(name, password));

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal("", await signIn.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Signing_in_without_the_dashboard_header_is_refused()
    {
        using var crossSite = app.CreateClient();

        var signIn = await crossSite.PostAsJsonAsync(Session, new LoginRequest("admin", DashboardApp.AdminPassword));

        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var browser = await app.OperatorClientAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync(Session)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Session)).StatusCode);
    }

    [Fact]
    public async Task A_session_survives_a_restart_of_the_server()
    {
        var cookie = await SessionCookieAsync();
        await using var restarted = new RestartedApp(app.ConnectionString);
        await restarted.InitializeAsync();
        using var afterRestart = restarted.CreateClient();
        afterRestart.DefaultRequestHeaders.Add("Cookie", cookie);

        Assert.Equal("admin", (await afterRestart.GetFromJsonAsync<SessionInfo>(Session))!.Name);
    }

    private async Task<string> SessionCookieAsync()
    {
        using var client = Browser();
        var signIn = await client.PostAsJsonAsync(Session, new LoginRequest("admin", DashboardApp.AdminPassword));
        return signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }
}

public sealed class FewLoginAttemptsApp : DashboardApp
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("Dashboard:Auth:LoginAttemptsPerMinute", "3")];
}

public sealed class LoginRateLimitTests(FewLoginAttemptsApp app) : IClassFixture<FewLoginAttemptsApp>
{
    [Fact]
    public async Task Guessing_passwords_is_slowed_to_a_few_attempts_a_minute()
    {
        using var browser = app.CreateClient();
        browser.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        List<HttpStatusCode> answers = [];
        for (var i = 0; i < 4; i++)
        {
            answers.Add((await browser.PostAsJsonAsync("/api/v1/session", new LoginRequest("admin", $"guess {i}"))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], answers);
    }
}
