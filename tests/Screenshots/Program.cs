using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

// The README's pictures (overview, drill-down, alerts): the published server's demo incident in Debian's Chromium, dark, 1440×900.
//   dotnet run -c Release --project tests/Screenshots [-- FOLDER]      (default: docs/screenshots)
var folder = args is [var given] ? Path.GetFullPath(given) : Path.Combine(Repository.Root, "docs", "screenshots");
DebianChromium.RequireInstalled();
Directory.CreateDirectory(folder);

Console.Error.WriteLine("Publishing the server and loading the demo incident...");
await using var app = await PublishedApp.StartDemoAsync();
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = DebianChromium.ExecutablePath, Args = DebianChromium.Arguments });
await using var context = await browser.NewContextAsync(new()
{
    BaseURL = app.BaseAddress.ToString(),
    ViewportSize = new() { Width = 1440, Height = 900 },
    Locale = "en-GB",
    TimezoneId = "UTC",
});
context.SetDefaultTimeout(30_000);
// Before the page's own scripts: theme.js reads the choice before the first paint.
await context.AddInitScriptAsync("localStorage.setItem('aid-theme', 'dark')");
var signIn = await context.APIRequest.PostAsync("api/v1/session", new()
{
    DataObject = new { name = "admin", password = app.AdminPassword },
    Headers = new Dictionary<string, string> { ["X-Dashboard-Request"] = "1" },
});
if (!signIn.Ok)
{
    throw new InvalidOperationException($"Signing in as admin answered {signIn.Status}: {await signIn.TextAsync()}");
}
var page = await context.NewPageAsync();

await page.GotoAsync(app.DemoLink.ToString());
await SaveWhenDrawnAsync(page, "table.top-ips tbody tr", Path.Combine(folder, "overview.png"));

await page.GotoAsync("ips/202.215.15.8?host=hoge&from=2015-08-17T12:00:00%2B09:00&to=2015-08-17T12:35:00%2B09:00&tz=host");
await SaveWhenDrawnAsync(page, ".requests tbody tr", Path.Combine(folder, "ip-detail.png"));

await page.GotoAsync("alerts?host=hoge&from=2015-08-17T11:50:00%2B09:00&to=2015-08-17T12:50:00%2B09:00&tz=host&severity=critical");
await SaveWhenDrawnAsync(page, "article.alert-card", Path.Combine(folder, "alerts.png"), charts: false);

// Waits until WebAssembly runs the page and it shows both charts (if it has them), dark, and its rows; then saves the whole page.
static async Task SaveWhenDrawnAsync(IPage page, string rows, string path, bool charts = true)
{
    await page.Locator(".app-root[data-interactive]").WaitForAsync();
    if (charts)
    {
        await page.Locator(".apex-chart .apexcharts-canvas.apexcharts-theme-dark").Nth(1).WaitForAsync();
    }
    await page.Locator(rows).First.WaitForAsync();
    // Away from the charts, so that no tooltip or crosshair is in the picture.
    await page.Mouse.MoveAsync(0, 0);
    await page.EvaluateAsync("() => document.fonts.ready");
    await page.ScreenshotAsync(new() { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
    Console.WriteLine($"{path} ({new FileInfo(path).Length:N0} bytes)");
}
