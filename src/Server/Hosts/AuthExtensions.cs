using Dashboard.Server.Data;
using Microsoft.AspNetCore.Authentication;

namespace Dashboard.Server.Hosts;

internal static class AuthExtensions
{
    public static void AddDashboardAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(ApiTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Ingest, p => p.RequireClaim(DashboardClaims.TokenKind, TokenKinds.Ingest).RequireClaim(DashboardClaims.HostId))
            .AddPolicy(Policies.Reader, p => p.RequireClaim(DashboardClaims.TokenKind, TokenKinds.Read));
    }
}
