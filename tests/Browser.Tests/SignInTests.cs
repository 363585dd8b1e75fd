using Dashboard.Browser.Tests.Infrastructure;

namespace Dashboard.Browser.Tests;

[Collection(DashboardInChromium.Name)]
public sealed class SignInTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task The_demo_link_without_a_session_asks_to_sign_in_and_then_opens_the_link()
    {
        await using var context = await dashboard.NewContextAsync(signedIn: false);
        var page = await context.NewPageAsync();
        var link = dashboard.App.DemoLink;

        await page.GotoAsync(link.ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");

        Assert.Equal(link.PathAndQuery, DashboardPages.QueryValue(page.Url, "returnUrl"));
        await page.Locator("#name").FillAsync("admin");
        await page.Locator("#password").FillAsync(dashboard.App.AdminPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url == link.ToString());
        await DashboardPages.WaitForOverviewAsync(page);
        Assert.Equal("202.215.15.8", await DashboardPages.TopIpRows(page).First.Locator("a").TextContentAsync());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_page_stays_on_sign_in()
    {
        await using var context = await dashboard.NewContextAsync(signedIn: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync("login?returnUrl=%2F");
        await page.Locator("#name").FillAsync("admin");
        await page.Locator("#password").FillAsync("not the password");
        await page.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong name or password.");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }
}
