using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>What a webhook receives: Alertmanager's webhook JSON (version 4), or a Slack incoming-webhook message.</summary>
internal static class WebhookMessages
{
    public const string Alertmanager = "alertmanager";
    public const string Slack = "slack";

    public static readonly IReadOnlyList<string> Formats = [Alertmanager, Slack];

    public static byte[] Build(string format, string host, IReadOnlyList<OutgoingAlert> alerts, Uri? dashboard) => Encoding.UTF8.GetBytes(
        (format == Slack ? SlackMessage(host, alerts, dashboard) : AlertmanagerMessage(host, alerts, dashboard)).ToJsonString());

    // https://prometheus.io/docs/alerting/latest/configuration/#webhook_config: what anything that takes
    // Alertmanager's webhooks reads. A firing alert's endsAt is the zero time, as Alertmanager sends it.
    private static JsonObject AlertmanagerMessage(string host, IReadOnlyList<OutgoingAlert> alerts, Uri? dashboard)
    {
        var items = new JsonArray();
        foreach (var alert in alerts)
        {
            var labels = new JsonObject { ["alertname"] = alert.Rule, ["severity"] = alert.Severity, ["host"] = alert.Host };
            if (alert.Ip is not null)
            {
                labels["ip"] = alert.Ip;
            }
            if (alert.Evidence.Label is { } label)
            {
                labels["shape"] = label;
            }
            var annotations = new JsonObject { ["summary"] = alert.Summary, ["description"] = string.Join("; ", alert.Evidence.Facts) };
            if (Suspects(alert) is { } suspects)
            {
                annotations["suspects"] = suspects;
            }
            items.Add(new JsonObject
            {
                ["status"] = alert.Status,
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["startsAt"] = Rfc3339(alert.StartsAt),
                ["endsAt"] = alert.EndsAt is { } ends ? Rfc3339(ends) : "0001-01-01T00:00:00Z",
                ["generatorURL"] = Link(dashboard, alert) ?? "",
                ["fingerprint"] = alert.Fingerprint,
            });
        }
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = $"{{}}:{{host=\"{host}\"}}",
            ["truncatedAlerts"] = 0,
            ["status"] = alerts.Any(a => a.Firing) ? "firing" : "resolved",
            ["receiver"] = "apache-incident-dashboard",
            ["groupLabels"] = new JsonObject { ["host"] = host },
            ["commonLabels"] = new JsonObject { ["host"] = host },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = dashboard?.ToString() ?? "",
            ["alerts"] = items,
        };
    }

    // https://api.slack.com/messaging/webhooks: one text, Slack's mrkdwn; what came from a log line is escaped.
    private static JsonObject SlackMessage(string host, IReadOnlyList<OutgoingAlert> alerts, Uri? dashboard)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{Escape(host)}*: {alerts.Count(a => a.Firing)} firing, {alerts.Count(a => !a.Firing)} resolved");
        foreach (var alert in alerts.OrderByDescending(a => a.Firing).ThenByDescending(a => Shared.AlertSeverities.Rank(a.Severity)))
        {
            text.Append('\n').Append(alert.Firing ? ":red_circle: " : ":white_check_mark: ")
                .Append(CultureInfo.InvariantCulture, $"[{alert.Severity}] {Escape(alert.Summary)} — since {LocalTime(alert, alert.StartsAt)}");
            if (alert.EndsAt is { } ends)
            {
                text.Append(CultureInfo.InvariantCulture, $", ended {LocalTime(alert, ends)}");
            }
            if (Suspects(alert) is { } suspects)
            {
                text.Append(CultureInfo.InvariantCulture, $"; suspects: {Escape(suspects)}");
            }
            if (Link(dashboard, alert) is { } link)
            {
                text.Append(CultureInfo.InvariantCulture, $" <{link}|view>");
            }
        }
        return new JsonObject { ["text"] = text.ToString() };
    }

    // Who the operator should look at first when memory runs out: the address, and why.
    private static string? Suspects(OutgoingAlert alert) => alert.Evidence.Suspects is { Count: > 0 } suspects
        ? string.Join("; ", suspects.Take(3).Select(s => s.Facts.Count == 0 ? s.Ip : $"{s.Ip} ({string.Join(", ", s.Facts)})"))
        : null;

    /// <summary>The dashboard's view of the alert: the address's page, or the host's overview, around its start.</summary>
    public static string? Link(Uri? dashboard, OutgoingAlert alert)
    {
        if (dashboard is null)
        {
            return null;
        }
        var from = Uri.EscapeDataString(Rfc3339(alert.StartsAt - TimeSpan.FromMinutes(30)));
        var to = Uri.EscapeDataString(Rfc3339((alert.EndsAt ?? alert.StartsAt) + TimeSpan.FromMinutes(30)));
        var path = alert.Ip is null ? "/" : $"/ips/{Uri.EscapeDataString(alert.Ip)}";
        return new Uri(dashboard, $"{path}?host={Uri.EscapeDataString(alert.Host)}&from={from}&to={to}&tz=host").ToString();
    }

    private static string LocalTime(OutgoingAlert alert, DateTime utc)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(alert.HostTimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(utc, TimeSpan.Zero), zone);
        return local.ToString("yyyy-MM-dd HH:mm 'UTC'zzz", CultureInfo.InvariantCulture);
    }

    private static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Slack reads &, < and > as markup.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
