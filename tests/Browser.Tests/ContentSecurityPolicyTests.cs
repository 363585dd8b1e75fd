using Dashboard.Browser.Tests.Infrastructure;
using static Dashboard.Browser.Tests.Infrastructure.DashboardPages;

namespace Dashboard.Browser.Tests;

/// <summary>
/// The pages under their Content-Security-Policy: the dashboard runs (charts, WebAssembly, its controls)
/// without a single violation, and a script that was not the dashboard's own does not run.
/// </summary>
[Collection(DashboardInChromium.Name)]
public sealed class ContentSecurityPolicyTests(DashboardFixture dashboard)
{
    // Before any of the page's own scripts: every violation the browser reports is kept.
    private const string RecordViolations = """
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    private static Task<string[]> ViolationsAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__violations");

    [Fact]
    public async Task The_overview_and_the_drill_down_run_under_the_policy_without_a_violation()
    {
        await using var context = await dashboard.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);
        await TopIpRows(page).First.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/ips/", StringComparison.Ordinal));
        await WaitForChartsAsync(page);

        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval'", policy.Replace("wasm-unsafe-eval", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("nosniff", await response.HeaderValueAsync("x-content-type-options"));
        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task The_sign_in_and_administration_pages_run_under_the_policy_without_a_violation()
    {
        await using var context = await dashboard.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var page = await context.NewPageAsync();

        await page.GotoAsync("admin");
        await WaitForWebAssemblyAsync(page);
        await page.Locator("table").First.WaitForAsync();

        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task An_inline_script_that_is_not_the_dashboards_does_not_run()
    {
        await using var context = await dashboard.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.App.DemoLink.ToString());
        await WaitForOverviewAsync(page);

        await page.EvaluateAsync("""
            () => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.appendChild(s); }
            """);

        Assert.Null(await page.EvaluateAsync<bool?>("() => window.__injected ?? null"));
        Assert.Contains(await ViolationsAsync(page), v => v.StartsWith("script-src", StringComparison.Ordinal));
    }
}
