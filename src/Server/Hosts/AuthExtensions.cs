using System.Threading.RateLimiting;
using Dashboard.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace Dashboard.Server.Hosts;

internal static class AuthExtensions
{
    public const string LoginRateLimit = "login";
    private const string DashboardScheme = "Dashboard";

    /// <summary>
    /// Bearer tokens (hosts ship, scripts read) and operators' cookie sessions. A request with an
    /// Authorization header is judged by its token alone; the API answers 401/403, never a redirect.
    /// </summary>
    public static void AddDashboardAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("apache-incident-dashboard").PersistKeysToDbContext<DashboardDb>();
        builder.Services.AddAuthentication(DashboardScheme)
            .AddPolicyScheme(DashboardScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiTokenAuthentication.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddCookie(options =>
            {
                options.Cookie.Name = "aid_session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Ingest, p => p.RequireClaim(DashboardClaims.Role, Roles.Ingest).RequireClaim(DashboardClaims.HostId))
            .AddPolicy(Policies.Reader, p => p.RequireClaim(DashboardClaims.Role, Roles.Reader, Roles.Operator))
            .AddPolicy(Policies.Operator, p => p.RequireClaim(DashboardClaims.Role, Roles.Operator));

        var attemptsPerMinute = builder.Configuration.GetValue("Dashboard:Auth:LoginAttemptsPerMinute", 10);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = attemptsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });

        builder.Services.AddScoped<HostRegistry>();
        builder.Services.AddScoped<OperatorAccounts>();
        builder.Services.AddHostedService<OperatorBootstrap>();
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
