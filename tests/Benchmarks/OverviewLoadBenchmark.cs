using System.Diagnostics;
using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Benchmarks;

/// <summary>
/// The operator's wait: from navigation to an overview drawn with data (the request-rate chart's areas
/// and the table's rows), in Chromium, against the published Release server holding <c>lineCount</c>
/// lines over the last 24 hours. Cold: a new browser context (nothing cached, already signed in).
/// Warm: a new tab of that context (its cache warm), and the first tab reloaded. Also what the browser downloaded on the cold load.
/// </summary>
internal static class OverviewLoadBenchmark
{
    private const string Drawn = ".apexcharts-area-series path[d*='C'], .apexcharts-area-series path[d*='L']";
    private const string TableRows = "table.top-ips tbody tr td a";
    private const string Interactive = ".app-root[data-interactive]";

    public static async Task RunAsync(int lineCount, int runs)
    {
        using var published = new TempFolder();
        await ServerPublish.PublishAsync(published.Path);
        await using var server = await BenchServer.StartAsync(published.Path);
        var end = DateTimeOffset.UtcNow;
        end = new DateTimeOffset(end.Ticks - end.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        await ReadBenchmark.LoadDayAsync(server, lineCount, end);

        using var playwright = await Playwright.CreateAsync();
        DebianChromium.RequireInstalled();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = DebianChromium.ExecutablePath, Args = DebianChromium.Arguments });
        var session = await SignInAsync(browser, server.BaseAddress);
        var overview = new Uri(server.BaseAddress, "/?host=bench&range=24h&tz=utc").ToString();

        List<Timing> cold = [], warm = [], reload = [];
        long transferred = 0, decoded = 0;
        for (var run = 0; run < runs; run++)
        {
            await using var context = await browser.NewContextAsync(new() { StorageState = session, ViewportSize = new() { Width = 1440, Height = 900 } });
            await context.AddInitScriptAsync(DrawnClock);
            var page = await context.NewPageAsync();
            cold.Add(await TimeToDrawnAsync(page, overview));
            (transferred, decoded) = await DownloadedAsync(page);
            var newTab = await context.NewPageAsync();
            warm.Add(await TimeToDrawnAsync(newTab, overview));
            await newTab.CloseAsync(); // a tab behind another one is throttled: no frames, slow timers
            reload.Add(await TimeToDrawnAsync(page, overview));
        }
        Console.WriteLine($"overview ({lineCount:N0} lines over 24 h, range 24h, {runs} runs), p50 (min, max) in ms, drawn as the test driver saw it / drawn from the browser's navigation start / WebAssembly running the page:");
        Console.WriteLine($"  cold (empty cache, new context)    {Summary(cold)}");
        Console.WriteLine($"  warm (cache warm, new tab)         {Summary(warm)}");
        Console.WriteLine($"  warm (reload of the same tab)      {Summary(reload)}");
        Console.WriteLine($"cold load downloaded {transferred / 1024.0 / 1024:F2} MiB over the wire ({decoded / 1024.0 / 1024:F2} MiB decoded)");
    }

    /// <summary>
    /// How long the driver waited, how long after the browser's navigation start the page was drawn, and when
    /// WebAssembly had taken it over (the server draws it first).
    /// </summary>
    private sealed record Timing(double Driver, double InPage, double Interactive);

    private static string Summary(List<Timing> timings)
    {
        static string Of(List<double> values)
        {
            values.Sort();
            return $"{values[values.Count / 2],5:F0} ({values[0]:F0}, {values[^1]:F0})";
        }
        return $"{Of([.. timings.Select(t => t.Driver)])} / {Of([.. timings.Select(t => t.InPage)])} / {Of([.. timings.Select(t => t.Interactive)])}";
    }

    /// <summary>
    /// Notes, in the page, the first frame painted with both the drawn chart and the table's rows, and the first moment
    /// WebAssembly runs the page (performance.now() counts from the navigation's start), so the driver's own polling
    /// and the previous page's teardown are not counted.
    /// </summary>
    private const string DrawnClock = $$"""
        new MutationObserver((_, observer) => {
          if (!window.__drawn && document.querySelector("{{Drawn}}") && document.querySelector("{{TableRows}}")) {
            window.__drawn = true;
            // On screen: the frame after the change has been painted.
            requestAnimationFrame(() => setTimeout(() => { window.__drawnAt = performance.now(); }, 0));
          }
          if (window.__interactiveAt === undefined && document.querySelector("{{Interactive}}")) {
            window.__interactiveAt = performance.now();
          }
          if (window.__drawn && window.__interactiveAt !== undefined) {
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true, attributes: true });
        """;

    private static async Task<Timing> TimeToDrawnAsync(IPage page, string url)
    {
        var watch = Stopwatch.StartNew();
        // Not waiting for the load event: the page is drawn before WebAssembly's files have all arrived.
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(Drawn, new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(TableRows, new() { Timeout = 60_000 });
        var driver = watch.Elapsed.TotalMilliseconds;
        await page.WaitForFunctionAsync("() => window.__drawnAt !== undefined && window.__interactiveAt !== undefined", null, new() { Timeout = 60_000 });
        return new(driver, await page.EvaluateAsync<double>("() => window.__drawnAt"), await page.EvaluateAsync<double>("() => window.__interactiveAt"));
    }

    private static async Task<(long Transferred, long Decoded)> DownloadedAsync(IPage page)
    {
        var sizes = await page.EvaluateAsync<long[]>("""
            () => {
              const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
              return [entries.reduce((s, e) => s + (e.transferSize || 0), 0), entries.reduce((s, e) => s + (e.decodedBodySize || 0), 0)];
            }
            """);
        return (sizes[0], sizes[1]);
    }

    private static async Task<string> SignInAsync(IBrowser browser, Uri server)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server, "/login").ToString());
        await page.FillAsync("#name", "admin");
        await page.FillAsync("#password", BenchServer.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Uri(server, "/").ToString());
        return await context.StorageStateAsync();
    }
}
