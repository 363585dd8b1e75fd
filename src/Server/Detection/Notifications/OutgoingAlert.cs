using Dashboard.Shared;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>An alert on its way to a webhook, with what a message says of its host.</summary>
internal sealed record OutgoingAlert(
    long Id, string Fingerprint, string Rule, string Severity, string Host, string HostTimeZone, string? Ip,
    DateTime StartsAt, DateTime? EndsAt, string Summary, AlertEvidence Evidence)
{
    public bool Firing => EndsAt is null;

    public string Status => Firing ? "firing" : "resolved";
}
