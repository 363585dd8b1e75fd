using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Detection;

/// <summary>Notifications sent within seconds of the tests' clock moving: a short first wait and group interval.</summary>
public sealed class NotifyingApp : DashboardApp
{
    public static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan GroupInterval = TimeSpan.FromMinutes(2);

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Dashboard:Notifications:GroupWait", GroupWait.ToString()),
        ("Dashboard:Notifications:GroupInterval", GroupInterval.ToString()),
        ("Dashboard:Notifications:DashboardUrl", "http://dashboard.test/"),
    ];
}

/// <summary>
/// Alerts reach webhooks (a real receiver on loopback) as Alertmanager or Slack messages, a host's alerts
/// together, signed, retried when the receiver fails, never when silenced or when they are old history.
/// Every test ships as hosts of its own and reads only their messages: every webhook hears every host.
/// </summary>
public sealed class NotificationTests(NotifyingApp app) : IClassFixture<NotifyingApp>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(app.Clock);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    // OOM kills on the host's clock (Tokyo; the tests' clock starts at 13:00 JST): an alert as soon as the line is read.
    private async Task KillAsync(string host, params (string Time, int Pid)[] kills)
    {
        using var client = app.ClientWithToken(await HostTokenAsync(host));
        var answer = await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/syslog", UriKind.Relative),
            HttpBodies.Lines(kills.Select(k => $"Aug 17 {k.Time} {host} kernel: Out of memory: Kill process {k.Pid} (httpd) score 26 or sacrifice child"))));
        Assert.Equal(kills.Length, answer.Accepted);
        await AlertsReading.CaughtUpAsync(app, host, app.Clock.GetUtcNow().AddDays(-1), app.Clock.GetUtcNow().AddDays(1));
    }

    private readonly Dictionary<string, string> _tokens = [];

    private async Task<string> HostTokenAsync(string host) =>
        _tokens.TryGetValue(host, out var token) ? token : _tokens[host] = await app.AddHostAsync(host, "Asia/Tokyo");

    private async Task<WebhookInfo> AddWebhookAsync(string format = "alertmanager", string? secret = null)
    {
        using var browser = await app.OperatorClientAsync();
        var response = await browser.PostAsJsonAsync("/api/v1/admin/webhooks", new WebhookRequest(_receiver.Url, format, secret));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebhookInfo>())!;
    }

    private static bool About(WebhookReceiver.Received message, string host) =>
        message.Body["groupLabels"]?["host"]?.GetValue<string>() == host
        || message.Body["text"]?.GetValue<string>().StartsWith($"*{host}*", StringComparison.Ordinal) == true;

    private List<WebhookReceiver.Received> MessagesAbout(string host) => [.. _receiver.Messages.Where(m => About(m, host))];

    // Time goes on until the host's first message is sent: a group waits from when the notifier first sees it.
    private async Task<WebhookReceiver.Received> FirstMessageAboutAsync(string host)
    {
        await Wait.UntilAsync(() =>
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            return MessagesAbout(host).Count > 0;
        }, $"a message about {host}");
        return MessagesAbout(host)[0];
    }

    [Fact]
    public async Task A_hosts_alert_goes_out_in_alertmanagers_form_signed_with_the_secret_once_the_first_wait_is_over()
    {
        await AddWebhookAsync(secret: "s3cret");
        await KillAsync("notify-am", ("12:58:00", 4242));

        var message = await FirstMessageAboutAsync("notify-am");

        Assert.Equal("4", message.Body["version"]!.GetValue<string>());
        Assert.Equal("firing", message.Body["status"]!.GetValue<string>());
        var alert = message.Body["alerts"]!.AsArray().Single()!;
        Assert.Equal("oom-kill", alert["labels"]!["alertname"]!.GetValue<string>());
        Assert.Equal("critical", alert["labels"]!["severity"]!.GetValue<string>());
        Assert.Equal("2015-08-17T03:58:00Z", alert["startsAt"]!.GetValue<string>());
        Assert.Equal("0001-01-01T00:00:00Z", alert["endsAt"]!.GetValue<string>());
        Assert.StartsWith("http://dashboard.test/?host=notify-am&from=", alert["generatorURL"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", alert["fingerprint"]!.GetValue<string>());
        Assert.Equal("OOM kill: httpd 4242", alert["annotations"]!["summary"]!.GetValue<string>());
        Assert.True(SignedWith(message, "s3cret"), "the signature is the HMAC-SHA256 of time.body under the secret");
    }

    [Fact]
    public async Task Alerts_of_one_host_raised_within_the_first_wait_go_in_one_message_and_are_not_repeated()
    {
        await AddWebhookAsync();
        await KillAsync("notify-group", ("12:40:00", 1001), ("12:50:00", 1002));

        var message = await FirstMessageAboutAsync("notify-group");
        // Another host's message comes after more passes of the notifier (and more time): a repeat would have come by then.
        await KillAsync("notify-group-later", ("12:59:00", 1003));
        await FirstMessageAboutAsync("notify-group-later");

        Assert.Equal(2, message.Body["alerts"]!.AsArray().Count);
        Assert.Single(MessagesAbout("notify-group"));
    }

    [Fact]
    public async Task A_webhook_that_fails_is_tried_again_with_back_off_until_it_takes_the_message()
    {
        var webhook = await AddWebhookAsync();
        _receiver.FailNext(2, "notify-retry");
        await KillAsync("notify-retry", ("12:59:30", 2001));

        await FirstMessageAboutAsync("notify-retry");

        var attempts = _receiver.AttemptsWith("notify-retry");
        Assert.Equal(3, attempts.Count);
        // Back-off: 5 s, then 10 s (at least: the notifier looks once a second, and the tests' clock runs faster).
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(5), $"{attempts[1] - attempts[0]} between the first two attempts");
        Assert.True(attempts[2] - attempts[1] >= TimeSpan.FromSeconds(10), $"{attempts[2] - attempts[1]} between the last two");
        Assert.Null(await LastErrorAsync(webhook.Id));
    }

    [Fact]
    public async Task A_silenced_hosts_alerts_are_raised_but_not_sent()
    {
        await AddWebhookAsync();
        await HostTokenAsync("notify-silenced");
        using (var browser = await app.OperatorClientAsync())
        {
            var silence = await browser.PostAsJsonAsync("/api/v1/admin/silences", new SilenceRequest("notify-silenced", null, null, 60, "maintenance"));
            Assert.Equal(HttpStatusCode.Created, silence.StatusCode);
        }
        await KillAsync("notify-silenced", ("12:59:40", 3001));
        await KillAsync("notify-heard", ("12:59:41", 3002));

        await FirstMessageAboutAsync("notify-heard");

        Assert.Empty(MessagesAbout("notify-silenced"));
    }

    [Fact]
    public async Task Imported_history_is_recorded_but_not_sent()
    {
        await AddWebhookAsync();
        await KillAsync("notify-history", ("10:30:00", 4001));
        await KillAsync("notify-recent", ("12:59:50", 4002));

        await FirstMessageAboutAsync("notify-recent");

        Assert.Empty(MessagesAbout("notify-history"));
        var history = await AlertsReading.CaughtUpAsync(app, "notify-history", app.Clock.GetUtcNow().AddDays(-1), app.Clock.GetUtcNow());
        Assert.Equal(AlertRules.OomKill, Assert.Single(history).Rule);
    }

    [Fact]
    public async Task A_slack_webhook_gets_one_text_with_the_alert_and_a_link_to_the_view()
    {
        await AddWebhookAsync("slack");
        await KillAsync("notify-slack", ("12:59:55", 5001));

        var message = await FirstMessageAboutAsync("notify-slack");

        var text = message.Body["text"]!.GetValue<string>();
        Assert.StartsWith("*notify-slack*: 1 firing, 0 resolved", text, StringComparison.Ordinal);
        Assert.Contains("[critical] OOM kill: httpd 5001 — since 2015-08-17 12:59 UTC+09:00", text, StringComparison.Ordinal);
        Assert.Contains("<http://dashboard.test/?host=notify-slack&from=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_test_button_sends_a_message_now_and_says_how_the_webhook_answered()
    {
        var webhook = await AddWebhookAsync();
        using var browser = await app.OperatorClientAsync();

        var result = await (await browser.PostAsync(new Uri($"/api/v1/admin/webhooks/{webhook.Id}/test", UriKind.Relative), null))
            .Content.ReadFromJsonAsync<WebhookTestResult>();

        Assert.Equal(new WebhookTestResult(true, 200, null), result);
        Assert.Contains(_receiver.Messages, m => m.Body["alerts"]?[0]?["labels"]?["alertname"]?.GetValue<string>() == "test");
    }

    private async Task<string?> LastErrorAsync(int webhookId)
    {
        using var browser = await app.OperatorClientAsync();
        return (await browser.GetFromJsonAsync<List<WebhookInfo>>("/api/v1/admin/webhooks"))!.Single(w => w.Id == webhookId).LastError;
    }

    private static bool SignedWith(WebhookReceiver.Received message, string secret)
    {
        var parts = message.Headers["X-Dashboard-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        byte[] signed = [.. Encoding.ASCII.GetBytes(parts["t"] + "."), .. message.Raw];
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)) == parts["v1"];
    }
}
