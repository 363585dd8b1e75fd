using System.Security.Claims;
using System.Text.Encodings.Web;
using Dashboard.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Hosts;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the stored token hashes; also HTTP Basic
/// with the token as the password (the user name is ignored), because some shippers (Fluent Bit's and
/// Promtail's Loki clients, collectd's write_http) offer only basic auth.
/// </summary>
internal sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DashboardDb db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const int MaxTokenLength = 200;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string? token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            token = BasicPassword(header["Basic ".Length..].Trim());
        }
        else
        {
            return AuthenticateResult.NoResult();
        }
        if (token is null || token.Length is 0 or > MaxTokenLength)
        {
            return AuthenticateResult.Fail("malformed token");
        }
        var hash = ApiTokens.Hash(token);
        // Found by its hash: a lookup that takes longer or shorter tells nothing about a 256-bit token.
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Select(t => new { t.Kind, t.Name, t.Host })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("unknown or revoked token");
        }
        List<Claim> claims = [new(DashboardClaims.Role, found.Kind == TokenKinds.Ingest ? Roles.Ingest : Roles.Reader), new(ClaimTypes.Name, found.Name)];
        if (found.Host is { } host)
        {
            claims.Add(new(DashboardClaims.HostId, host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            // The ingest endpoints read the host typed, not from the claims.
            Context.Features.Set(new Ingest.IngestHost(host.Id, host.Name, host.TimeZone, host.LogFormat));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    // base64("user:password"); the password is the token. Null when the credentials do not decode.
    private static string? BasicPassword(string credentials)
    {
        if (credentials.Length > 4 * MaxTokenLength)
        {
            return null;
        }
        var bytes = new byte[credentials.Length];
        if (!Convert.TryFromBase64String(credentials, bytes, out var length))
        {
            return null;
        }
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..].Trim();
    }
}

internal static class DashboardClaims
{
    /// <summary>One of <see cref="Roles"/>.</summary>
    public const string Role = "dashboard:role";
    public const string HostId = "dashboard:host-id";
}

internal static class Roles
{
    /// <summary>A host's ingest token.</summary>
    public const string Ingest = "ingest";
    /// <summary>A read token (scripts, Grafana).</summary>
    public const string Reader = "reader";
    /// <summary>A person signed in to the dashboard.</summary>
    public const string Operator = "operator";
}

internal static class Policies
{
    public const string Ingest = "ingest";
    /// <summary>The read API: read tokens and operators.</summary>
    public const string Reader = "reader";
    /// <summary>Hosts, tokens and sessions: operators only.</summary>
    public const string Operator = "operator";
}
