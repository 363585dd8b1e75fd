using System.Threading.RateLimiting;
using Dashboard.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

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
                // Secure whenever the request is HTTPS (behind a proxy: its X-Forwarded-Proto says so).
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Ingest, p => p.RequireClaim(DashboardClaims.Role, Roles.Ingest).RequireClaim(DashboardClaims.HostId))
            .AddPolicy(Policies.Reader, p => p.RequireClaim(DashboardClaims.Role, Roles.Reader, Roles.Operator))
            .AddPolicy(Policies.Operator, p => p.RequireClaim(DashboardClaims.Role, Roles.Operator));

        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Dashboard:Auth").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, ValidateAuthOptions>();
        builder.Services.AddSingleton<OperatorSessionStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, ConfigureSessionCookie>();
        builder.Services.AddSingleton<LoginThrottle>();

        var attemptsPerMinute = builder.Configuration.GetValue("Dashboard:Auth:LoginAttemptsPerMinute", new AuthOptions().LoginAttemptsPerMinute);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
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
