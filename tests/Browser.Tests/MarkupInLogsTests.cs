using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>
/// Log lines are written by whoever sends requests: a host "xss" ships an access line whose path, user
/// agent and referer are markup, and an OOM kill of a process named in markup. The pages must show them
/// as text and run none of it.
/// </summary>
[Collection(DashboardInChromium.Name)]
public sealed class MarkupInLogsTests(DashboardFixture dashboard)
{
    private const string Ip = "198.51.100.23";
    private const string Path = "/<img src=x onerror=\"alert('xss-path')\">";
    private const string UserAgent = "<script>alert('xss-ua')</script>";
    private const string Referer = "javascript:alert('xss-ref')";
    private const string Process = "<b>x</b>";
    private const string Range = "host=xss&from=2015-08-18T02:55:00%2B09:00&to=2015-08-18T03:10:00%2B09:00&tz=host";

    private static readonly string[] AccessTimes = ["03:00:05", "03:01:10", "03:02:15"];
    private static readonly ConditionalWeakTable<DashboardFixture, Task> Shipped = [];

    [Fact]
    public async Task Markup_in_a_request_s_path_user_agent_and_referer_shows_as_text_on_the_IP_page_and_runs_nothing()
    {
        await ShipOnceAsync();
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = new ScriptWatch(page);

        await page.GotoAsync($"ips/{Ip}?{Range}");
        await page.Locator(".requests tbody tr").First.WaitForAsync();
        await WaitForChartsAsync(page);

        // Time, host, method, path, protocol, status, bytes, referer, user agent
        var request = (await RowsAsync(page.Locator(".requests table")))[0];
        Assert.Equal([Path, "HTTP/1.1", "200", "512", Referer, UserAgent], request[3..]);
        var paths = await RowsAsync(Breakdown(page, "Paths"));
        var agents = await RowsAsync(Breakdown(page, "User agents"));
        Assert.Equal(Path, paths[0][0]);
        Assert.Equal(UserAgent, agents[0][0]);
        Assert.Contains($"{Process} 4242", await MarkerLabelsAsync(TrafficChart(page)));
        await watch.AssertNothingRanAsync();
    }

    [Fact]
    public async Task Markup_in_a_killed_process_name_shows_as_text_on_the_overview_and_runs_nothing()
    {
        await ShipOnceAsync();
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = new ScriptWatch(page);

        await page.GotoAsync($"?{Range}");
        await WaitForOverviewAsync(page);

        var kill = (await RowsAsync(page.Locator(".events table"))).Single(row => row[2] == "oom-kill");
        Assert.Equal(Process, kill[3]);
        Assert.Equal([$"{Process} 4242"], await MarkerLabelsAsync(TrafficChart(page)));
        Assert.Equal([$"{Process} 4242"], await MarkerLabelsAsync(MemoryChart(page)));
        Assert.Equal(Ip, (await RowsAsync(page.Locator("table.top-ips")))[0][0]);
        await watch.AssertNothingRanAsync();
    }

    [Fact]
    public async Task Markup_in_a_killed_process_name_shows_as_text_in_its_alert_on_the_alerts_page_and_runs_nothing()
    {
        await ShipOnceAsync();
        await using var context = await dashboard.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = new ScriptWatch(page);

        // Live: the page reads again every few seconds, until detection has read what was shipped.
        await page.GotoAsync($"alerts?{Range}&rule=oom-kill&live=1");
        var alert = page.Locator("article.alert-card[data-rule=oom-kill]");

        await Assertions.Expect(alert.Locator(".summary")).ToHaveTextAsync($"OOM kill: {Process} 4242");
        Assert.Equal([Process], await alert.Locator(".victims tbody td:nth-child(3)").AllTextContentsAsync());
        Assert.Equal(0, await alert.Locator("b").CountAsync());
        await watch.AssertNothingRanAsync();
    }

    private static ILocator Breakdown(IPage page, string title) =>
        page.Locator(".breakdown", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }) });

    private Task ShipOnceAsync() => Shipped.GetValue(dashboard, ShipAsync);

    private static async Task ShipAsync(DashboardFixture dashboard)
    {
        var token = await dashboard.App.RunCommandAsync("hosts", "add", "xss", "--timezone", "Asia/Tokyo");
        using var client = new HttpClient { BaseAddress = dashboard.App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Apache writes a quote inside a quoted field as \".
        var request = $"GET {Path.Replace("\"", "\\\"", StringComparison.Ordinal)} HTTP/1.1";
        var access = string.Concat(AccessTimes.Select(time =>
            $"{Ip} - - [18/Aug/2015:{time} +0900] \"{request}\" 200 512 \"{Referer}\" \"{UserAgent}\"\n"));
        await PostAsync(client, "api/v1/ingest/access", access, "text/plain", expected: 3);

        var syslog =
            $"Aug 18 03:01:30 xss kernel: Out of memory: Kill process 4242 ({Process}) score 50 or sacrifice child\n" +
            $"Aug 18 03:01:30 xss kernel: Killed process 4242, UID 48, ({Process}) total-vm:1000kB, anon-rss:500kB, file-rss:10kB\n";
        await PostAsync(client, "api/v1/ingest/syslog", syslog, "text/plain", expected: 2, ("X-Log-Year", "2015"), ("X-Log-Timezone", "Asia/Tokyo"));

        var memory = string.Concat(Enumerable.Range(0, 5).Select(minute =>
            $"{{\"time\":\"2015-08-18T03:0{minute}:00+09:00\",\"memTotalKb\":4000000,\"memAvailableKb\":{2000000 - minute * 300000},\"memFreeKb\":500000,\"swapTotalKb\":2000000,\"swapFreeKb\":2000000}}\n"));
        await PostAsync(client, "api/v1/ingest/meminfo", memory, "application/x-ndjson", expected: 5);
    }

    private static async Task PostAsync(HttpClient client, string path, string body, string contentType, int expected, params (string Name, string Value)[] headers)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, value);
        }
        using var response = await client.SendAsync(message);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {answer}");
        using var json = JsonDocument.Parse(answer);
        Assert.True(json.RootElement.GetProperty("accepted").GetInt32() == expected, $"{path} answered {answer}");
    }

    /// <summary>Records what injected markup would set off: dialogs, console output, page errors, a fetch of "x".</summary>
    private sealed class ScriptWatch
    {
        private readonly IPage _page;
        private readonly List<string> _seen = [];

        public ScriptWatch(IPage page)
        {
            _page = page;
            page.Dialog += (_, dialog) =>
            {
                Record("dialog: " + dialog.Message);
                _ = dialog.DismissAsync();
            };
            page.Console += (_, message) => Record("console: " + message.Text);
            page.PageError += (_, error) => Record("page error: " + error);
            page.Request += (_, request) => Record("request: " + request.Url);
        }

        public async Task AssertNothingRanAsync()
        {
            var injected = await _page.EvaluateAsync<string[]>(
                """
                () => [
                  ...[...document.querySelectorAll('img[src="x"]')].map(e => 'img ' + e.outerHTML),
                  ...[...document.querySelectorAll('b')].filter(e => e.textContent === 'x').map(e => 'b ' + e.outerHTML),
                  ...[...document.querySelectorAll('script')].filter(e => e.textContent.includes('xss-')).map(e => 'script ' + e.outerHTML),
                  ...[...document.querySelectorAll('a[href^="javascript:"]')].map(e => 'link ' + e.outerHTML),
                ]
                """);
            Assert.Empty(injected);
            lock (_seen)
            {
                Assert.DoesNotContain(_seen, s => s.StartsWith("dialog:", StringComparison.Ordinal));
                Assert.DoesNotContain(_seen, s => s.StartsWith("page error:", StringComparison.Ordinal));
                Assert.DoesNotContain(_seen, s => s.Contains("xss-", StringComparison.Ordinal));
                Assert.DoesNotContain(_seen, s => s.StartsWith("request:", StringComparison.Ordinal) && new Uri(s["request: ".Length..]).AbsolutePath.EndsWith("/x", StringComparison.Ordinal));
            }
        }

        private void Record(string what)
        {
            lock (_seen)
            {
                _seen.Add(what);
            }
        }
    }
}
