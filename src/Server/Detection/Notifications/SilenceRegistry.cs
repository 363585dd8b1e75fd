using System.Net;
using Dashboard.Server.Data;
using Dashboard.Shared;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>Silences: alerts of a host, an address and/or a rule are not sent until one expires.</summary>
internal sealed class SilenceRegistry(DashboardDb db, TimeProvider clock)
{
    public const int MaxMinutes = 90 * 24 * 60;

    public async Task<(SilenceInfo? Silence, string? Error)> AddAsync(SilenceRequest request, string createdBy, CancellationToken ct)
    {
        List<string> errors = [];
        int? hostId = null;
        if (!string.IsNullOrEmpty(request.Host))
        {
            hostId = await db.Hosts.Where(h => h.Name == request.Host).Select(h => (int?)h.Id).FirstOrDefaultAsync(ct);
            if (hostId is null)
            {
                errors.Add($"no host named '{request.Host}'");
            }
        }
        IPAddress? ip = null;
        if (!string.IsNullOrEmpty(request.Ip) && !IPAddress.TryParse(request.Ip, out ip))
        {
            errors.Add("the address is not an IPv4 or IPv6 address");
        }
        if (!string.IsNullOrEmpty(request.Rule) && !AlertRules.All.Contains(request.Rule))
        {
            errors.Add($"the rule is one of {string.Join(", ", AlertRules.All)}");
        }
        if (string.IsNullOrEmpty(request.Host) && string.IsNullOrEmpty(request.Ip) && string.IsNullOrEmpty(request.Rule))
        {
            errors.Add("a silence names a host, an address or a rule (or several)");
        }
        if (request.Minutes is < 1 or > MaxMinutes)
        {
            errors.Add($"a silence lasts 1 to {MaxMinutes} minutes");
        }
        if (request.Comment is { Length: > 500 })
        {
            errors.Add("the comment is at most 500 characters");
        }
        if (errors.Count > 0)
        {
            return (null, string.Join("; ", errors));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var row = new SilenceRow
        {
            HostId = hostId,
            Ip = ip is { IsIPv4MappedToIPv6: true } ? ip.MapToIPv4() : ip,
            Rule = string.IsNullOrEmpty(request.Rule) ? null : request.Rule,
            ExpiresAt = now.AddMinutes(request.Minutes),
            Comment = request.Comment,
            CreatedBy = createdBy,
            CreatedAt = now,
        };
        db.Silences.Add(row);
        await db.SaveChangesAsync(ct);
        return (new SilenceInfo(row.Id, request.Host, row.Ip?.ToString(), row.Rule, new DateTimeOffset(row.ExpiresAt), row.Comment, createdBy), null);
    }

    /// <summary>The silences still in force.</summary>
    public async Task<List<SilenceInfo>> ListAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Silences.AsNoTracking().Where(s => s.ExpiresAt > now).OrderBy(s => s.ExpiresAt)
            .Select(s => new { s.Id, Host = db.Hosts.Where(h => h.Id == s.HostId).Select(h => h.Name).FirstOrDefault(), s.Ip, s.Rule, s.ExpiresAt, s.Comment, s.CreatedBy })
            .ToListAsync(ct);
        return [.. rows.Select(s => new SilenceInfo(s.Id, s.Host, s.Ip?.ToString(), s.Rule, new DateTimeOffset(s.ExpiresAt), s.Comment, s.CreatedBy))];
    }

    public async Task<bool> RemoveAsync(int id, CancellationToken ct) => await db.Silences.Where(s => s.Id == id).ExecuteDeleteAsync(ct) == 1;
}
