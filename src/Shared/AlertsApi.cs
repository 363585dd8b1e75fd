namespace Dashboard.Shared;

/// <summary>
/// Something detection found in a host's logs: an address sending requests shaped like an attack, a
/// surge, memory about to run out, OOM kills.
/// </summary>
/// <param name="Rule">What found it: one of <see cref="AlertRules"/>.</param>
/// <param name="Severity"><c>critical</c>, <c>warning</c> or <c>info</c> (<see cref="AlertSeverities"/>).</param>
/// <param name="Ip">The address it is about; null for an alert about the host.</param>
/// <param name="StartsAt">When its condition first held, in the logs' own time (not when the server noticed).</param>
/// <param name="EndsAt">When it stopped holding; null while it still holds (firing).</param>
/// <param name="Summary">One sentence, without times (the reader shows them in the zone the operator chose).</param>
public sealed record AlertItem(
    long Id,
    string Rule,
    string Severity,
    string Host,
    string? Ip,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string Summary,
    AlertEvidence Evidence);

/// <summary>What an alert is based on.</summary>
/// <param name="Facts">Sentences, most telling first ("96% HEAD answered 206 without a body").</param>
/// <param name="Label">What the requests look like, for a request-shape alert ("Range-header DoS pattern, CVE-2011-3192").</param>
/// <param name="Requests">The address's requests while the alert held.</param>
/// <param name="MinutesLeft">For a memory alert: the minutes until memory and swap run out, as first predicted.</param>
/// <param name="Suspects">For a memory or OOM-kill alert: the addresses whose rise best explains the fall, most likely first.</param>
/// <param name="Victims">For an OOM-kill alert: the processes killed (or for which the OOM killer was invoked).</param>
public sealed record AlertEvidence(
    IReadOnlyList<string> Facts,
    string? Label = null,
    long? Requests = null,
    double? MinutesLeft = null,
    IReadOnlyList<AlertSuspect>? Suspects = null,
    IReadOnlyList<AlertVictim>? Victims = null);

/// <summary>An address suspected of causing a memory alert or OOM kills.</summary>
/// <param name="Score">How well its rise explains the fall, 0 to 1.</param>
public sealed record AlertSuspect(string Ip, double Score, IReadOnlyList<string> Facts);

/// <summary>A process the OOM killer killed (or was invoked for).</summary>
/// <param name="Kind"><c>oom-kill</c>, <c>oomd-kill</c> or <c>oom-invoked</c>.</param>
public sealed record AlertVictim(DateTimeOffset Time, string Kind, int? Pid, string? Process);

/// <summary>
/// What narrows <c>GET /api/v1/alerts</c> beyond its range and host; each part is optional and they all hold together.
/// </summary>
/// <param name="Rule">One of <see cref="AlertRules"/>.</param>
/// <param name="Severity">One of <see cref="AlertSeverities"/>.</param>
/// <param name="State"><c>firing</c> or <c>resolved</c> (<see cref="AlertStates"/>).</param>
/// <param name="Ip">The address an alert is about.</param>
public sealed record AlertCriteria(string? Rule = null, string? Severity = null, string? State = null, string? Ip = null)
{
    public static AlertCriteria None { get; } = new();

    /// <summary>The query string parts for the given criteria (without '?'; empty for none), in a stable order.</summary>
    public string ToQuery()
    {
        List<string> parts = [];
        Add(parts, "rule", Rule);
        Add(parts, "severity", Severity);
        Add(parts, "state", State);
        Add(parts, "ip", Ip);
        return string.Join('&', parts);
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}

/// <summary>An alert's states: firing while its condition holds (no end yet), resolved once it has ended.</summary>
public static class AlertStates
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Firing, Resolved];
}

/// <summary>The rules that raise alerts.</summary>
public static class AlertRules
{
    /// <summary>An address's requests are shaped like an attack (e.g. the Range-header DoS).</summary>
    public const string RequestShape = "request-shape";

    /// <summary>An address sends far more than it did before and than the host's clients normally do.</summary>
    public const string Surge = "surge";

    /// <summary>A host's available memory and swap, on their trend, run out within the horizon.</summary>
    public const string MemoryExhaustion = "memory-exhaustion";

    /// <summary>The OOM killer (or systemd-oomd) killed processes, or was invoked.</summary>
    public const string OomKill = "oom-kill";

    public static readonly IReadOnlyList<string> All = [RequestShape, Surge, MemoryExhaustion, OomKill];
}

public static class AlertSeverities
{
    public const string Critical = "critical";
    public const string Warning = "warning";
    public const string Info = "info";

    public static readonly IReadOnlyList<string> All = [Critical, Warning, Info];

    /// <summary>Higher is more severe: critical 2, warning 1, info 0.</summary>
    public static int Rank(string severity) => severity switch
    {
        Critical => 2,
        Warning => 1,
        _ => 0,
    };
}

/// <summary>A webhook alerts are sent to.</summary>
/// <param name="Format"><c>alertmanager</c> (Alertmanager's webhook JSON, version 4) or <c>slack</c> (an incoming-webhook message).</param>
/// <param name="HasSecret">Whether a secret is set: then every message carries an HMAC-SHA256 signature.</param>
public sealed record WebhookInfo(int Id, string Url, string Format, bool HasSecret, DateTimeOffset CreatedAt, DateTimeOffset? LastSentAt, string? LastError);

/// <summary>A webhook to add, for <c>POST /api/v1/admin/webhooks</c>.</summary>
public sealed record WebhookRequest(string Url, string? Format, string? Secret);

/// <summary>What sending a test message to a webhook gave.</summary>
public sealed record WebhookTestResult(bool Delivered, int? Status, string? Error);

/// <summary>
/// Alerts matching every given part (host, address, rule) are not sent until <paramref name="ExpiresAt"/>;
/// they are still raised and shown.
/// </summary>
public sealed record SilenceInfo(int Id, string? Host, string? Ip, string? Rule, DateTimeOffset ExpiresAt, string? Comment, string CreatedBy);

/// <summary>A silence to add, for <c>POST /api/v1/admin/silences</c>: at least one of host, address and rule, and how long.</summary>
public sealed record SilenceRequest(string? Host, string? Ip, string? Rule, int Minutes, string? Comment);
