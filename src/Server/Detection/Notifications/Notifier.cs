using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Data;
using Dashboard.Shared;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>
/// Sends alerts to every webhook, a host's alerts in one message, as Alertmanager groups them: a first
/// message once the group's first alert has waited <see cref="NotificationOptions.GroupWait"/> for others,
/// then one whenever the group changes (at most every group interval), and again after the repeat interval
/// while it fires; a resolved alert goes out once. Only alerts that started within
/// <see cref="NotificationOptions.MaxAlertAge"/> are sent (imported history is not paged), and none that a
/// silence covers. Info alerts are for the dashboard, not for a page: they go out only once they escalate.
/// A failed delivery is tried again after 5 s, 10 s, 20 s … up to 5 minutes.
/// </summary>
internal sealed class Notifier(NpgsqlDataSource dataSource, WebhookSender sender, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<Notifier> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private NotificationOptions Options => options.Value;

    public async Task RunAsync(CancellationToken ct)
    {
        var webhooks = await WebhooksAsync(ct);
        foreach (var webhook in webhooks)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var alerts = await DueAlertsAsync(webhook.Id, now, ct);
            var groups = await GroupsAsync(webhook.Id, ct);
            foreach (var host in alerts.Select(a => a.HostId).Distinct())
            {
                var group = groups.GetValueOrDefault(host) ?? new NotificationGroup { WebhookId = webhook.Id, HostId = host };
                await NotifyAsync(webhook, group, [.. alerts.Where(a => a.HostId == host)], now, ct);
            }
        }
    }

    private sealed record DueAlert(int HostId, OutgoingAlert Alert, string? SentStatus);

    private async Task NotifyAsync(WebhookRow webhook, NotificationGroup group, List<DueAlert> alerts, DateTime now, CancellationToken ct)
    {
        // Firing alerts, and resolved ones the webhook has not been told of.
        var message = alerts.Where(a => a.Alert.Firing || a.SentStatus != "resolved").Select(a => a.Alert).OrderBy(a => a.StartsAt).ToList();
        if (message.Count == 0 || group.NextAttemptAt > now)
        {
            return;
        }
        var hash = Hash(message);
        bool due;
        if (group.LastSentAt is not { } lastSent)
        {
            group.PendingSince ??= now;
            due = now - group.PendingSince >= Options.GroupWait;
        }
        else if (!hash.AsSpan().SequenceEqual(group.LastHash))
        {
            due = now - lastSent >= Options.GroupInterval;
        }
        else
        {
            due = message.Any(a => a.Firing) && now - lastSent >= Options.RepeatInterval;
        }
        if (due)
        {
            var body = WebhookMessages.Build(webhook.Format, message[0].Host, message, Options.DashboardUrl);
            var (delivered, _, error) = await sender.SendAsync(webhook, body, ct);
            if (delivered)
            {
                group.LastSentAt = now;
                group.LastHash = hash;
                group.PendingSince = null;
                group.Attempts = 0;
                group.NextAttemptAt = null;
                group.LastError = null;
                await MarkSentAsync(webhook.Id, message, now, ct);
            }
            else
            {
                group.Attempts++;
                group.NextAttemptAt = now + Backoff(group.Attempts);
                group.LastError = error;
                logger.LogWarning("Webhook {Webhook} refused alerts of host {Host}: {Error}; trying again at {Next}", webhook.Id, message[0].Host, error, group.NextAttemptAt);
            }
            await RecordDeliveryAsync(webhook.Id, delivered ? now : null, error, ct);
        }
        await SaveGroupAsync(group, ct);
    }

    private static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, 5 * Math.Pow(2, Math.Min(attempts - 1, 10))));

    // What the group's message says: a change in it (an alert firing, resolving, escalating) is a new message.
    private static byte[] Hash(IEnumerable<OutgoingAlert> alerts) => SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', alerts.Select(a => $"{a.Fingerprint}:{a.Status}:{a.Severity}").Order(StringComparer.Ordinal))));

    // Warnings and critical alerts that started recently or were sent already, and resolved ones the webhook
    // heard fire (or that started recently): all but those a silence covers.
    private const string DueSql = """
        SELECT a.id, a.host_id, h.name, h.time_zone, a.rule, a.ip, a.severity, a.starts_at, a.ends_at, a.summary, a.evidence, a.fingerprint, n.sent_status
        FROM alerts a
        JOIN hosts h ON h.id = a.host_id
        LEFT JOIN alert_notifications n ON n.alert_id = a.id AND n.webhook_id = @webhook
        WHERE ((a.starts_at >= @since AND a.severity <> 'info') OR n.sent_status = 'firing')
          AND NOT EXISTS (SELECT 1 FROM silences s WHERE s.expires_at > @now AND (s.host_id IS NULL OR s.host_id = a.host_id)
                          AND (s.ip IS NULL OR s.ip = a.ip) AND (s.rule IS NULL OR s.rule = a.rule))
        """;

    private async Task<List<DueAlert>> DueAlertsAsync(int webhookId, DateTime now, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(DueSql);
        command.Parameters.AddWithValue("webhook", webhookId);
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = now - Options.MaxAlertAge });
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now });
        List<DueAlert> due = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var alert = new OutgoingAlert(
                reader.GetInt64(0), reader.GetString(11), reader.GetString(4), reader.GetString(6), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<System.Net.IPAddress>(5).ToString(),
                reader.GetFieldValue<DateTime>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTime>(8), reader.GetString(9),
                JsonSerializer.Deserialize<AlertEvidence>(reader.GetString(10), JsonSerializerOptions.Web)!);
            due.Add(new DueAlert(reader.GetInt32(1), alert, reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        return due;
    }

    private async Task<List<WebhookRow>> WebhooksAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT id, url, format, secret FROM webhooks ORDER BY id");
        List<WebhookRow> webhooks = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            webhooks.Add(new WebhookRow { Id = reader.GetInt32(0), Url = reader.GetString(1), Format = reader.GetString(2), Secret = reader.IsDBNull(3) ? null : reader.GetString(3) });
        }
        return webhooks;
    }

    private async Task<Dictionary<int, NotificationGroup>> GroupsAsync(int webhookId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT host_id, pending_since, last_sent_at, last_hash, attempts, next_attempt_at FROM notification_groups WHERE webhook_id = @webhook");
        command.Parameters.AddWithValue("webhook", webhookId);
        Dictionary<int, NotificationGroup> groups = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            groups[reader.GetInt32(0)] = new NotificationGroup
            {
                WebhookId = webhookId,
                HostId = reader.GetInt32(0),
                PendingSince = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTime>(1),
                LastSentAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTime>(2),
                LastHash = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                Attempts = reader.GetInt32(4),
                NextAttemptAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTime>(5),
            };
        }
        return groups;
    }

    private const string SaveGroupSql = """
        INSERT INTO notification_groups (webhook_id, host_id, pending_since, last_sent_at, last_hash, attempts, next_attempt_at, last_error)
        VALUES (@webhook, @host, @pending, @sent, @hash, @attempts, @next, @error)
        ON CONFLICT (webhook_id, host_id) DO UPDATE SET pending_since = excluded.pending_since, last_sent_at = excluded.last_sent_at,
            last_hash = excluded.last_hash, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
        """;

    private async Task SaveGroupAsync(NotificationGroup group, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SaveGroupSql);
        command.Parameters.AddWithValue("webhook", group.WebhookId);
        command.Parameters.AddWithValue("host", group.HostId);
        command.Parameters.Add(new NpgsqlParameter("pending", NpgsqlDbType.TimestampTz) { Value = (object?)group.PendingSince ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("sent", NpgsqlDbType.TimestampTz) { Value = (object?)group.LastSentAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = (object?)group.LastHash ?? DBNull.Value });
        command.Parameters.AddWithValue("attempts", group.Attempts);
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = (object?)group.NextAttemptAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)group.LastError ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }

    private const string MarkSentSql = """
        INSERT INTO alert_notifications (webhook_id, alert_id, sent_status, sent_at)
        SELECT @webhook, u.id, u.status, @now FROM unnest(@ids, @statuses) AS u(id, status)
        ON CONFLICT (webhook_id, alert_id) DO UPDATE SET sent_status = excluded.sent_status, sent_at = excluded.sent_at
        """;

    private async Task MarkSentAsync(int webhookId, List<OutgoingAlert> sent, DateTime now, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(MarkSentSql);
        command.Parameters.AddWithValue("webhook", webhookId);
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now });
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sent.Select(a => a.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = sent.Select(a => a.Status).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordDeliveryAsync(int webhookId, DateTime? sentAt, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE webhooks SET last_sent_at = coalesce(@sent, last_sent_at), last_error = @error WHERE id = @webhook");
        command.Parameters.AddWithValue("webhook", webhookId);
        command.Parameters.Add(new NpgsqlParameter("sent", NpgsqlDbType.TimestampTz) { Value = (object?)sentAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
