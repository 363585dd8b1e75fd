using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Hosts;

/// <summary>Sessions of an hour idle and a day in all, on the tests' clock.</summary>
public sealed class ShortSessionsApp : DashboardApp
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
        [("Dashboard:Auth:SessionIdleTimeout", "01:00:00"), ("Dashboard:Auth:SessionLifetime", "1.00:00:00")];
}

public sealed class SessionExpiryTests(ShortSessionsApp app) : IClassFixture<ShortSessionsApp>
{
    private static readonly Uri Session = new("/api/v1/session", UriKind.Relative);

    [Fact]
    public async Task A_session_unused_past_its_idle_timeout_ends_and_one_in_use_ends_at_its_lifetime()
    {
        using var idle = await app.OperatorClientAsync();
        using var busy = await app.OperatorClientAsync();

        for (var step = 0; step < 28; step++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(50));
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(Session)).StatusCode);
        }
        var idleAfterHours = (await idle.GetAsync(Session)).StatusCode;
        app.Clock.Advance(TimeSpan.FromMinutes(50));
        var busyAfterADay = (await busy.GetAsync(Session)).StatusCode;

        Assert.Equal(HttpStatusCode.Unauthorized, idleAfterHours);
        Assert.Equal(HttpStatusCode.Unauthorized, busyAfterADay);
    }
}
