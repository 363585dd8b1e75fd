using System.Security.Cryptography;

namespace Dashboard.Server.Security;

/// <summary>
/// Headers every answer carries. Pages get a Content-Security-Policy that lets the dashboard run (its own
/// scripts, WebAssembly, the one inline import map Blazor writes, by nonce) and nothing else: no inline or
/// foreign script, no framing. Everything drawn from a log line is attacker-controlled text; should some
/// of it ever reach the page as markup, this keeps it from running. API answers are never cached.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonceKey = "csp-nonce";

    /// <summary>The nonce this page's inline import map carries.</summary>
    public static string Nonce(HttpContext context) => (string)context.Items[NonceKey]!;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/loki"))
            {
                headers.CacheControl = "no-store";
            }
            else if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.ContentSecurityPolicy = Policy(nonce);
            }
            return Task.CompletedTask;
        });
        return next(context);
    });

    // ApexCharts sets style attributes and writes its stylesheet into the page: styles may be inline.
    private static string Policy(string nonce) =>
        "default-src 'self'; "
        + $"script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; "
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; "
        + "font-src 'self' data:; "
        + "connect-src 'self'; "
        + "object-src 'none'; "
        + "base-uri 'self'; "
        + "form-action 'self'; "
        + "frame-ancestors 'none'";
}
