using System.Net;

namespace Dashboard.Server.Data;

/// <summary>
/// An alert: one episode of a rule's condition holding for a host (and an address, for the rules about
/// addresses), from the logs' own time it first held to when it stopped (null while it holds).
/// </summary>
public sealed class AlertRow
{
    public long Id { get; set; }
    public int HostId { get; set; }
    public required string Rule { get; set; }
    public IPAddress? Ip { get; set; }
    /// <summary>The request shape of a request-shape alert (Detection/RequestShapes).</summary>
    public short? Shape { get; set; }
    /// <summary>Stable for the alert's life, for notifications to deduplicate on.</summary>
    public required string Fingerprint { get; set; }
    public required string Severity { get; set; }
    public DateTime StartsAt { get; set; }
    /// <summary>The last time its condition held.</summary>
    public DateTime LastHeldAt { get; set; }
    public DateTime? EndsAt { get; set; }
    public required string Summary { get; set; }
    /// <summary>The <see cref="Shared.AlertEvidence"/> as JSON.</summary>
    public required string Evidence { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Requests of one address at one host in one minute whose shape matched one of Detection/RequestShapes.</summary>
public sealed class AccessShapeMinute
{
    public int HostId { get; set; }
    public short Shape { get; set; }
    public required IPAddress ClientIp { get; set; }
    public DateTime Minute { get; set; }
    public long Requests { get; set; }
}

/// <summary>A span of a host's data that changed since detection last looked: written with every batch, read by the detector.</summary>
public sealed class DetectionQueueEntry
{
    public long Id { get; set; }
    public int HostId { get; set; }
    public DateTime FromTime { get; set; }
    public DateTime ToTime { get; set; }
}

/// <summary>A webhook alerts are sent to. The secret signs messages (HMAC-SHA256) and is kept as given.</summary>
public sealed class WebhookRow
{
    public int Id { get; set; }
    public required string Url { get; set; }
    public required string Format { get; set; }
    public string? Secret { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSentAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Alerts of a host, an address and/or a rule are not sent until it expires.</summary>
public sealed class SilenceRow
{
    public int Id { get; set; }
    public int? HostId { get; set; }
    public IPAddress? Ip { get; set; }
    public string? Rule { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? Comment { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>What a webhook was last told about an alert (firing or resolved).</summary>
public sealed class AlertNotification
{
    public int WebhookId { get; set; }
    public long AlertId { get; set; }
    public required string SentStatus { get; set; }
    public DateTime SentAt { get; set; }
}

/// <summary>
/// A webhook's message group for one host: alerts of a host are sent together, first after a short wait,
/// then when they change (at most every group interval) and again after the repeat interval.
/// </summary>
public sealed class NotificationGroup
{
    public int WebhookId { get; set; }
    public int HostId { get; set; }
    public DateTime? PendingSince { get; set; }
    public DateTime? LastSentAt { get; set; }
    public byte[]? LastHash { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
}
