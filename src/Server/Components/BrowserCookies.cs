using Dashboard.Client.State;

namespace Dashboard.Server.Components;

/// <summary>The operator's browser as its cookies describe it (theme.js leaves them), for pages the server draws.</summary>
internal sealed class BrowserCookies(IHttpContextAccessor http) : IOperatorBrowser
{
    public TimeZoneInfo? TimeZone =>
        Cookie("aid-tz") is { Length: > 0 and <= 64 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    public bool? Dark => Cookie("aid-theme") switch
    {
        "dark" => true,
        "light" => false,
        _ => null,
    };

    private string? Cookie(string name) =>
        http.HttpContext?.Request.Cookies[name] is { } value ? Uri.UnescapeDataString(value) : null;
}
