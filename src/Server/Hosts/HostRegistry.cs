using System.Text.RegularExpressions;
using Dashboard.Server.Data;
using Dashboard.Server.Ingest.Apache;
using Dashboard.Shared;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Hosts;

/// <summary>Hosts and the tokens that let them ship and let readers read: created, listed, revoked.</summary>
internal sealed partial class HostRegistry(DashboardDb db, TimeProvider clock)
{
    public const string DefaultLogFormat = "combined";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")]
    private static partial Regex HostNamePattern();

    /// <summary>A new host and its first ingest token (returned once, stored only as a hash).</summary>
    public async Task<(HostRow? Host, IssuedToken? Token, string? Error)> AddHostAsync(string name, string timeZone, string logFormat, CancellationToken ct)
    {
        List<string> errors = [];
        if (!HostNamePattern().IsMatch(name))
        {
            errors.Add("a host name is 1 to 253 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            errors.Add($"'{timeZone}' is not a time zone this machine knows (use an IANA name such as Asia/Tokyo or UTC)");
        }
        if (!LogFormat.TryCompile(logFormat, out _, out var formatError))
        {
            errors.Add($"log format: {formatError}");
        }
        if (errors.Count == 0 && await db.Hosts.AnyAsync(h => h.Name == name, ct))
        {
            errors.Add($"a host named '{name}' already exists (tokens add-ingest {name} issues it another token)");
        }
        if (errors.Count > 0)
        {
            return (null, null, string.Join("; ", errors));
        }
        var host = new HostRow { Name = name, TimeZone = timeZone, LogFormat = logFormat, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Hosts.Add(host);
        var token = AddToken(TokenKinds.Ingest, name, host);
        await db.SaveChangesAsync(ct);
        return (host, token.Issued(), null);
    }

    public Task<List<HostRow>> ListHostsAsync(CancellationToken ct) => db.Hosts.AsNoTracking().OrderBy(h => h.Name).ToListAsync(ct);

    /// <summary>Another ingest token for an existing host (to rotate one, then revoke the old).</summary>
    public async Task<(IssuedToken? Token, string? Error)> AddIngestTokenAsync(string hostName, CancellationToken ct)
    {
        var host = await db.Hosts.FirstOrDefaultAsync(h => h.Name == hostName, ct);
        if (host is null)
        {
            return (null, $"no host named '{hostName}'");
        }
        var token = AddToken(TokenKinds.Ingest, hostName, host);
        await db.SaveChangesAsync(ct);
        return (token.Issued(), null);
    }

    public async Task<(IssuedToken? Token, string? Error)> AddReadTokenAsync(string name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            return (null, "a token name is 1 to 200 characters");
        }
        var token = AddToken(TokenKinds.Read, name, null);
        await db.SaveChangesAsync(ct);
        return (token.Issued(), null);
    }

    public Task<List<TokenListing>> ListTokensAsync(CancellationToken ct) => db.ApiTokens.AsNoTracking()
        .OrderBy(t => t.Id)
        .Select(t => new TokenListing(t.Id, t.Kind, t.Name, t.Host == null ? null : t.Host.Name, t.CreatedAt, t.RevokedAt))
        .ToListAsync(ct);

    /// <summary>Revokes a token at once: the next request that presents it gets 401.</summary>
    public async Task<bool> RevokeTokenAsync(int id, CancellationToken ct) =>
        await db.ApiTokens.Where(t => t.Id == id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, clock.GetUtcNow().UtcDateTime), ct) == 1;

    private NewToken AddToken(string kind, string name, HostRow? host)
    {
        var token = ApiTokens.Create(kind);
        var row = new ApiToken { Kind = kind, Name = name, Host = host, TokenHash = ApiTokens.Hash(token), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.ApiTokens.Add(row);
        return new NewToken(row, token);
    }

    /// <summary>A token not yet saved: its id exists once the row is.</summary>
    private sealed record NewToken(ApiToken Row, string Token)
    {
        public IssuedToken Issued() => new(Row.Id, Token);
    }
}

internal sealed record TokenListing(int Id, string Kind, string Name, string? Host, DateTime CreatedAt, DateTime? RevokedAt);
