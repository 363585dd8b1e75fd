using System.Security.Claims;
using Dashboard.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Hosts;

/// <summary>An operator's cookie session: sign in, who am I, sign out.</summary>
public static class SessionApi
{
    public static RouteGroupBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/session").AddEndpointFilter<DashboardRequestFilter>();
        group.MapPost("/", SignInAsync).RequireRateLimiting(AuthExtensions.LoginRateLimit).AllowAnonymous();
        group.MapGet("/", GetSession).RequireAuthorization(Policies.Operator);
        // A handler taking only HttpContext would bind as a RequestDelegate and drop its result.
        group.MapDelete("/", (Delegate)SignOutAsync).AllowAnonymous();
        return group;
    }

    private static async Task<Results<NoContent, UnauthorizedHttpResult, BadRequest, ProblemHttpResult>> SignInAsync(
        LoginRequest login, HttpContext context, OperatorAccounts accounts, LoginThrottle throttle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(login.Name) || string.IsNullOrEmpty(login.Password) || login.Name.Length > 100 || login.Password.Length > 1000)
        {
            return TypedResults.BadRequest();
        }
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (await throttle.WaitAsync(address, login.Name, ct) is { } wait && wait > TimeSpan.Zero)
        {
            return TooManyAttempts(context, wait);
        }
        if (await accounts.VerifyAsync(login.Name, login.Password, ct) is not { } found)
        {
            await throttle.FailedAsync(address, await accounts.ExistsAsync(login.Name, ct) ? login.Name : null, ct);
            return TypedResults.Unauthorized();
        }
        await throttle.SucceededAsync(address, found.Name, ct);
        ClaimsIdentity identity = new(
            [new(ClaimTypes.Name, found.Name), new(DashboardClaims.Role, Roles.Operator)],
            CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, DashboardClaims.Role);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.NoContent();
    }

    internal static ProblemHttpResult TooManyAttempts(HttpContext context, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem($"too many failed sign-ins: try again in {seconds} s", statusCode: StatusCodes.Status429TooManyRequests);
    }

    internal static Ok<SessionInfo> GetSession(ClaimsPrincipal user) => TypedResults.Ok(new SessionInfo(user.Identity!.Name!));

    private static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }
}

/// <summary>
/// State-changing requests authenticated by cookie must carry <c>X-Dashboard-Request</c>: a cross-site
/// form cannot set a header, and a cross-site script needs a CORS preflight the server never grants.
/// </summary>
internal sealed class DashboardRequestFilter : IEndpointFilter
{
    public const string HeaderName = "X-Dashboard-Request";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !request.Headers.ContainsKey(HeaderName))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem($"send the {HeaderName} header", statusCode: StatusCodes.Status403Forbidden));
        }
        return next(context);
    }
}
