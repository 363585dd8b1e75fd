using Dashboard.Server.Data;
using Dashboard.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>Webhooks: added, listed, removed, and sent a test message.</summary>
internal sealed class WebhookRegistry(DashboardDb db, WebhookSender sender, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public async Task<(WebhookInfo? Webhook, string? Error)> AddAsync(string url, string? format, string? secret, CancellationToken ct)
    {
        format = string.IsNullOrWhiteSpace(format) ? WebhookMessages.Alertmanager : format.Trim().ToLowerInvariant();
        List<string> errors = [];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2000)
        {
            errors.Add("the URL must be an absolute http or https URL (at most 2000 characters)");
        }
        if (!WebhookMessages.Formats.Contains(format))
        {
            errors.Add($"the format is one of {string.Join(", ", WebhookMessages.Formats)}");
        }
        if (secret is { Length: > 500 })
        {
            errors.Add("the secret is at most 500 characters");
        }
        if (errors.Count > 0)
        {
            return (null, string.Join("; ", errors));
        }
        var row = new WebhookRow { Url = url, Format = format, Secret = string.IsNullOrEmpty(secret) ? null : secret, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Webhooks.Add(row);
        await db.SaveChangesAsync(ct);
        return (Info(row), null);
    }

    public async Task<List<WebhookInfo>> ListAsync(CancellationToken ct) =>
        [.. (await db.Webhooks.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct)).Select(Info)];

    public async Task<bool> RemoveAsync(int id, CancellationToken ct) => await db.Webhooks.Where(w => w.Id == id).ExecuteDeleteAsync(ct) == 1;

    /// <summary>Sends a made-up firing alert now, as alerts are sent, and says how the webhook answered.</summary>
    public async Task<WebhookTestResult?> TestAsync(int id, CancellationToken ct)
    {
        if (await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is not { } webhook)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var test = new OutgoingAlert(0, "test-" + now.Ticks, "test", AlertSeverities.Info, "test-host", "UTC", null, now, null,
            "a test message from the Apache Incident Dashboard", new AlertEvidence(["sent from the webhook's page or 'webhooks test'"]));
        var (delivered, status, error) = await sender.SendAsync(webhook, WebhookMessages.Build(webhook.Format, test.Host, [test], options.Value.DashboardUrl), ct);
        return new WebhookTestResult(delivered, status, error);
    }

    private static WebhookInfo Info(WebhookRow row) => new(row.Id, row.Url, row.Format, row.Secret is not null, new DateTimeOffset(row.CreatedAt),
        row.LastSentAt is { } sent ? new DateTimeOffset(sent) : null, row.LastError);
}
