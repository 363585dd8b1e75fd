using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task Signing_out_ends_the_session_on_the_server_a_saved_copy_of_the_cookie_included()
    {
        var cookie = await SessionCookieAsync();
        using var browser = WithCookie(cookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Session)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync(Session)).StatusCode);

        using var copy = WithCookie(cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(Session)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(new Uri("/api/v1/admin/tokens", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_every_session_of_the_operator()
    {
        await SetPasswordAsync("bob", "bob's first password");
        var cookie = await SessionCookieAsync("bob", "bob's first password");

        await SetPasswordAsync("bob", "bob's second password");

        using var copy = WithCookie(cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(Session)).StatusCode);
    }

    [Fact]
    public async Task The_cookie_is_secure_when_the_request_is_https()
    {
        using var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://dashboard.example") });
        browser.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");

        var signIn = await browser.PostAsJsonAsync(Session, new LoginRequest("admin", DashboardApp.AdminPassword));

        Assert.Contains("secure", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
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

    private async Task<string> SessionCookieAsync(string name = "admin", string password = DashboardApp.AdminPassword)
    {
        using var client = Browser();
        var signIn = await client.PostAsJsonAsync(Session, new LoginRequest(name, password));
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        return signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private HttpClient WithCookie(string cookie)
    {
        var client = Browser();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private async Task SetPasswordAsync(string name, string password)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Server.Hosts.OperatorAccounts>().SetPasswordAsync(name, password, CancellationToken.None);
    }
}
