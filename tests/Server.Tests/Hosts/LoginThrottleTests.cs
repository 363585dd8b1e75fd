using System.Net;
using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Hosts;

public sealed class FewLoginAttemptsApp : DashboardApp
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("Dashboard:Auth:LoginAttemptsPerMinute", "3")];
}

public sealed class LoginRateLimitTests(FewLoginAttemptsApp app) : IClassFixture<FewLoginAttemptsApp>
{
    [Fact]
    public async Task A_flood_of_sign_ins_from_one_address_is_429_with_retry_after()
    {
        using var browser = app.CreateClient();
        browser.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        List<HttpResponseMessage> answers = [];
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await browser.PostAsJsonAsync("/api/v1/session", new LoginRequest("admin", $"guess {i}")));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            answers.Select(a => a.StatusCode));
        Assert.NotNull(answers[3].Headers.RetryAfter?.Delta);
    }
}

/// <summary>Behind a proxy, so that a test can sign in from many addresses (X-Forwarded-For).</summary>
public sealed class BehindProxyApp : DashboardApp
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("FORWARDEDHEADERS_ENABLED", "true")];
}

public sealed class LoginThrottleTests(BehindProxyApp app) : IClassFixture<BehindProxyApp>
{
    private static readonly Uri Session = new("/api/v1/session", UriKind.Relative);

    private async Task<HttpResponseMessage> SignInAsync(string from, string name, string password)
    {
        using var browser = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Session) { Content = JsonContent.Create(new LoginRequest(name, password)) };
        request.Headers.Add("X-Dashboard-Request", "1");
        request.Headers.Add("X-Forwarded-For", from);
        return await browser.SendAsync(request);
    }

    private async Task SetPasswordAsync(string name, string password)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Server.Hosts.OperatorAccounts>().SetPasswordAsync(name, password, CancellationToken.None);
    }

    [Fact]
    public async Task Failures_from_one_address_back_off_with_retry_after_and_never_lock_the_operator_out_elsewhere()
    {
        await SetPasswordAsync("carol", "carol's password");
        List<HttpStatusCode> guesses = [];
        for (var i = 0; i < 6; i++)
        {
            guesses.Add((await SignInAsync("203.0.113.66", "carol", $"guess {i}")).StatusCode);
        }

        var rightButWaiting = await SignInAsync("203.0.113.66", "carol", "carol's password");
        var fromElsewhere = await SignInAsync("198.51.100.7", "carol", "carol's password");
        app.Clock.Advance(rightButWaiting.Headers.RetryAfter!.Delta!.Value);
        var afterTheWait = await SignInAsync("203.0.113.66", "carol", "carol's password");

        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.Unauthorized, g));
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButWaiting.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), rightButWaiting.Headers.RetryAfter.Delta);
        Assert.Equal(HttpStatusCode.NoContent, fromElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, afterTheWait.StatusCode);
    }

    [Fact]
    public async Task Guessing_one_account_from_many_addresses_backs_off_that_account_for_at_most_a_minute()
    {
        await SetPasswordAsync("dave", "dave's password");
        for (var i = 0; i < 20; i++)
        {
            await SignInAsync($"192.0.2.{100 + i}", "dave", $"guess {i}");
        }

        var right = await SignInAsync("198.51.100.8", "dave", "dave's password");
        app.Clock.Advance(right.Headers.RetryAfter!.Delta!.Value);
        var afterTheWait = await SignInAsync("198.51.100.8", "dave", "dave's password");

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.InRange(right.Headers.RetryAfter.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NoContent, afterTheWait.StatusCode);
    }
}
