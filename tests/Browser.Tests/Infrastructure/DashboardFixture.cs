using System.Net;

namespace Dashboard.Browser.Tests.Infrastructure;

/// <summary>
/// One published server with the demo incident and one Debian Chromium for the whole run; each test
/// opens its own browser context (own cookies and storage), signed in unless it asks otherwise.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private string? _signedIn;

    public PublishedApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DebianChromium.RequireInstalled();
        App = await PublishedApp.StartDemoAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = DebianChromium.ExecutablePath, Args = DebianChromium.Arguments, Headless = true });
        _signedIn = await SignInAsync();
    }

    /// <summary>A fresh context (1440×900) with the operator's session cookie, or none.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool signedIn = true, bool dark = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1440, Height = 900 },
            StorageState = signedIn ? _signedIn : null,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        if (dark)
        {
            // Before the page's own scripts: theme.js reads the choice before the first paint.
            await context.AddInitScriptAsync("localStorage.setItem('aid-theme', 'dark')");
        }
        return context;
    }

    /// <summary>Signs in once through the session API (the login form is tested on its own) and keeps the cookie.</summary>
    private async Task<string> SignInAsync()
    {
        await using var context = await Browser.NewContextAsync(new() { BaseURL = App.BaseAddress.ToString() });
        var response = await context.APIRequest.PostAsync("api/v1/session", new()
        {
            DataObject = new { name = "admin", password = App.AdminPassword },
            Headers = new Dictionary<string, string> { ["X-Dashboard-Request"] = "1" },
        });
        if (response.Status != (int)HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"Signing in as admin answered {response.Status}: {await response.TextAsync()}");
        }
        return await context.StorageStateAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardInChromium : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard in Chromium";
}
