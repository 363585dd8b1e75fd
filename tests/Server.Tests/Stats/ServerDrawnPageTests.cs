using System.Net;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Server.Tests.Stats;

/// <summary>
/// The overview as the server draws it, before WebAssembly starts: with its data for a signed-in operator,
/// a redirect to sign in for anyone else, and never a 500 for a view it cannot read.
/// </summary>
public sealed class ServerDrawnPageTests(ThreeZonesApp app) : IClassFixture<ThreeZonesApp>
{
    private static readonly string Hour =
        $"from={Uri.EscapeDataString(ThreeZonesApp.Start.ToString("O"))}&to={Uri.EscapeDataString(ThreeZonesApp.Start.AddHours(1).ToString("O"))}";

    private const string HandedOver = "<!--Blazor-WebAssembly-Component-State:";

    /// <summary>The JSON of each value the page hands to the browser (Blazor's persisted component state, base64 in a comment).</summary>
    private static List<string> HandedOverValues(string html)
    {
        var start = html.IndexOf(HandedOver, StringComparison.Ordinal) + HandedOver.Length;
        var state = html[start..html.IndexOf("-->", start, StringComparison.Ordinal)];
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(state))!;
        return [.. values.Values.Select(value => Encoding.UTF8.GetString(Convert.FromBase64String(value)))];
    }

    private async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string address, string? cookie = null)
    {
        using var browser = await app.OperatorClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        using var response = await browser.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_overview_is_drawn_with_its_charts_options_and_table_and_handed_to_the_browser()
    {
        var (status, html) = await GetPageAsync($"/?{Hour}&tz=utc");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, html.Split("class=\"apex-chart\"").Length - 1);
        Assert.Equal(2, html.Split("data-chart=\"").Length - 1);
        Assert.Contains($">{ThreeZonesApp.Attacker}</a>", html, StringComparison.Ordinal);
        Assert.Contains(HandedOver, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_drill_down_hands_the_browser_what_it_drew_its_requests_and_who_is_signed_in()
    {
        var (_, html) = await GetPageAsync($"/ips/{ThreeZonesApp.Attacker}?{Hour}&tz=utc");

        var handedOver = HandedOverValues(html);
        Assert.Contains(handedOver, v => v.Contains($"\"ip\":\"{ThreeZonesApp.Attacker}\",\"requests\":552", StringComparison.Ordinal));
        Assert.Contains(handedOver, v => v.Contains("\"method\":\"HEAD\"", StringComparison.Ordinal)); // the first page of its requests
        Assert.Contains("\"admin\"", handedOver);
    }

    [Fact]
    public async Task A_browser_not_signed_in_is_sent_to_sign_in_and_back()
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await browser.GetAsync(new Uri($"/?{Hour}&tz=utc", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString($"/?{Hour}&tz=utc"), response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_view_in_the_browsers_zone_is_left_to_the_browser_until_its_cookie_names_the_zone()
    {
        var (_, unknown) = await GetPageAsync($"/?{Hour}");
        var (_, tokyo) = await GetPageAsync($"/?{Hour}", "aid-tz=Asia%2FTokyo; aid-theme=light");

        Assert.DoesNotContain("data-chart=", unknown, StringComparison.Ordinal);
        Assert.Contains("Loading…", unknown, StringComparison.Ordinal);
        Assert.Contains("data-chart=", tokyo, StringComparison.Ordinal);
        Assert.Contains("· Asia/Tokyo</span>", tokyo, StringComparison.Ordinal);
        Assert.Contains("&quot;dark&quot;:false", tokyo, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/?host=nosuchhost&tz=utc")]
    [InlineData("/ips/not-an-address?tz=utc")]
    [InlineData("/ips/%3Cscript%3E?tz=utc")]
    [InlineData("/?from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59Z&tz=utc")]
    [InlineData("/ips/192.0.2.1?from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59Z&tz=utc")]
    public async Task A_view_the_api_refuses_is_drawn_with_the_reason_not_a_500(string address)
    {
        var (status, html) = await GetPageAsync(address);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("the server answered 400", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // the address is text, not markup
    }
}
