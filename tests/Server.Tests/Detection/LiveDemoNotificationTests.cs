using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dashboard.Server.Demo;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Detection;

/// <summary>
/// <c>demo --live</c> on a socket of its own, its replay paced by the tests' clock, with the default
/// notification timings: the operator hears of the incident only through a webhook.
/// </summary>
public sealed class LiveDemoApp : DashboardApp
{
    public LiveDemoApp() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    protected override IEnumerable<(string Key, string Value)> Settings => [("Dashboard:Notifications:DashboardUrl", "http://dashboard.test/")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new DemoOptions(Live: true));
            services.AddHostedService<DemoService>();
        });
    }
}

/// <summary>
/// An operator who opens nothing is told by webhook of the attack while it builds, with the address and its
/// shape, and of memory running out before the first kill, with the time left and the suspect; one host's
/// alerts in few messages, never closer together than the group interval.
/// </summary>
public sealed class LiveDemoNotificationTests(LiveDemoApp app) : IClassFixture<LiveDemoApp>
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan GroupInterval = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_webhook_hears_of_the_attack_as_it_builds_and_of_memory_before_the_first_kill_in_a_few_grouped_messages()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.Clock);
        using (var browser = await app.OperatorClientAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await browser.PostAsJsonAsync("/api/v1/admin/webhooks", new WebhookRequest(receiver.Url, "alertmanager", null))).StatusCode);
        }
        // The demo shifts the story to start two minutes after the server's clock, whatever the second.
        var shift = DemoIncident.ShiftToFollow(app.Clock.GetUtcNow(), DemoBatches.LiveAnchor);

        await PlayStoryUntilAsync(DemoIncident.End + shift);

        var messages = receiver.Messages.Where(m => m.Body["groupLabels"]?["host"]?.GetValue<string>() == DemoIncident.HostName).ToList();
        var attack = messages.First(m => Alerts(m).Any(a => Rule(a) == AlertRules.RequestShape));
        var shape = Alerts(attack).First(a => Rule(a) == AlertRules.RequestShape);
        Assert.Equal(DemoIncident.Attacker, shape["labels"]!["ip"]!.GetValue<string>());
        Assert.Equal("Range-header DoS pattern, CVE-2011-3192", shape["labels"]!["shape"]!.GetValue<string>());
        Assert.InRange(attack.At, DemoIncident.AttackFrom + shift, DemoIncident.AttackFrom + shift + TimeSpan.FromMinutes(3));
        Assert.Same(messages[0], attack);

        var memory = messages.First(m => Alerts(m).Any(a => Rule(a) == AlertRules.MemoryExhaustion));
        var exhaustion = Alerts(memory).First(a => Rule(a) == AlertRules.MemoryExhaustion);
        // The operator has the quarter of an hour the horizon promises to act, not a warning as the killer starts.
        Assert.True(memory.At <= DemoIncident.FirstKill + shift - TimeSpan.FromMinutes(10), $"memory alert sent at {memory.At:HH:mm:ss}, first kill at {DemoIncident.FirstKill + shift:HH:mm:ss}");
        Assert.Matches("^memory runs out in about [0-9]+ min$", exhaustion["annotations"]!["summary"]!.GetValue<string>());
        Assert.StartsWith(DemoIncident.Attacker + " (", exhaustion["annotations"]!["suspects"]!.GetValue<string>(), StringComparison.Ordinal);

        // The ten kills are one alert; the whole incident a handful of messages, at least a group interval apart.
        Assert.Single(messages.SelectMany(Alerts).Where(a => Rule(a) == AlertRules.OomKill).Select(a => a["fingerprint"]!.GetValue<string>()).Distinct());
        Assert.All(messages.Zip(messages.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= GroupInterval,
            $"messages at {pair.First.At:HH:mm:ss} and {pair.Second.At:HH:mm:ss}"));
        Assert.InRange(messages.Count, 3, 12);
    }

    // The clock moves a step at a time once the demo has sent what was due (a memory sample every 10 s)
    // and detection has read it; the first wait is for the quarter of an hour of history.
    private async Task PlayStoryUntilAsync(DateTimeOffset end)
    {
        while (true)
        {
            var now = app.Clock.GetUtcNow();
            await Wait.UntilAsync(async () =>
                await Sql.CountAsync(app.ConnectionString, $"SELECT count(*) FROM memory_samples WHERE time > '{now.AddSeconds(-12).UtcDateTime:O}'") > 0
                && await Sql.CountAsync(app.ConnectionString, "SELECT count(*) FROM detection_queue") == 0,
                $"the demo's samples up to {now:HH:mm:ss} stored and read by detection");
            if (now >= end)
            {
                return;
            }
            app.Clock.Advance(Step);
        }
    }

    private static IEnumerable<JsonNode> Alerts(WebhookReceiver.Received message) => message.Body["alerts"]!.AsArray()!.Select(a => a!);

    private static string Rule(JsonNode alert) => alert["labels"]!["alertname"]!.GetValue<string>();
}
