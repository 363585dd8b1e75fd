namespace Dashboard.Server.Data;

public sealed class HostRow
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string TimeZone { get; set; }
    public required string LogFormat { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
}

/// <summary>An ingest token (bound to one host) or a read token. Only the SHA-256 of the token is kept.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public int? HostId { get; set; }
    public HostRow? Host { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A person who signs in to the dashboard. Only a salted PBKDF2 hash of the password is kept.</summary>
public sealed class OperatorRow
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string PasswordHash { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An operator's signed-in session: the browser's cookie holds only its key, whose SHA-256 is kept here
/// with the ticket, so that signing out, a new password or removing the operator ends it at once.
/// </summary>
public sealed class OperatorSession
{
    public required byte[] KeyHash { get; set; }
    public int OperatorId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public required byte[] Ticket { get; set; }
}

/// <summary>Failed sign-ins of one account (<c>account:NAME</c>) or from one address (<c>address:IP</c>), and until when it must wait.</summary>
public sealed class LoginFailure
{
    public required string Key { get; set; }
    public int Failures { get; set; }
    public DateTime LastFailureAt { get; set; }
    public DateTime? BlockedUntil { get; set; }
}

public static class TokenKinds
{
    public const string Ingest = "ingest";
    public const string Read = "read";
}

/// <summary>Requests of one IP at one host in one minute (or hour, in <see cref="AccessHour"/>).</summary>
public class AccessRollup
{
    public int HostId { get; set; }
    public DateTime Bucket { get; set; }
    public required System.Net.IPAddress ClientIp { get; set; }
    public long Requests { get; set; }
    public long Bytes { get; set; }
    public long Status4xx { get; set; }
    public long Status5xx { get; set; }
    public long Head { get; set; }
    public long Status206 { get; set; }
    /// <summary>Requests without a User-Agent.</summary>
    public long NoAgent { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
}

public sealed class AccessMinute : AccessRollup;

public sealed class AccessHour : AccessRollup
{
    /// <summary>The address's busiest minute at this host within the hour.</summary>
    public long PeakMinute { get; set; }
}

/// <summary>
/// The busiest addresses of one closed hour at one host, kept so that a ranking over a day need not
/// aggregate every address of every hour (see Stats/IpRanking). Valid while the hour's request total
/// still equals <see cref="Total"/>.
/// </summary>
public sealed class AccessHourLeaders
{
    public DateTime Hour { get; set; }
    public int HostId { get; set; }
    /// <summary>The hour's busiest addresses, busiest first.</summary>
    public required System.Net.IPAddress[] ClientIps { get; set; }
    /// <summary>Their requests in the hour, in the same order.</summary>
    public required long[] Requests { get; set; }
    /// <summary>The most requests any address left off the list sent in the hour (0 when none was).</summary>
    public long Floor { get; set; }
    /// <summary>The hour's total requests when the list was made.</summary>
    public long Total { get; set; }
}

/// <summary>All requests at one host in one minute: the total line of the traffic chart.</summary>
public sealed class AccessHostMinute
{
    public int HostId { get; set; }
    public DateTime Minute { get; set; }
    public long Requests { get; set; }
    public long Bytes { get; set; }
}

public sealed class MemorySampleRow
{
    public int HostId { get; set; }
    public DateTime Time { get; set; }
    public long? MemTotalKb { get; set; }
    public long? MemAvailableKb { get; set; }
    public long? MemFreeKb { get; set; }
    public long? CachedKb { get; set; }
    public long? SwapTotalKb { get; set; }
    public long? SwapFreeKb { get; set; }
}

public sealed class HostEventRow
{
    public long Id { get; set; }
    public int HostId { get; set; }
    public DateTime Time { get; set; }
    public required string Kind { get; set; }
    public int? Pid { get; set; }
    public string? Process { get; set; }
    public int? Score { get; set; }
    public long? TotalVmKb { get; set; }
    public long? AnonRssKb { get; set; }
    public required string Message { get; set; }
}

public sealed class RejectedLine
{
    public long Id { get; set; }
    public int HostId { get; set; }
    public long BatchNo { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string Stream { get; set; }
    public int LineNumber { get; set; }
    public required string Reason { get; set; }
    public required string Line { get; set; }
}

/// <summary>
/// An Idempotency-Key a host used at one endpoint, with the answer to replay on a retry and the hash of the
/// body it came with (the same key with another body is refused).
/// </summary>
public sealed class IngestKey
{
    public int HostId { get; set; }
    /// <summary>access, syslog, meminfo, collectd, vmstat or loki: keys are scoped to one endpoint.</summary>
    public required string Endpoint { get; set; }
    public required string IdempotencyKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? Response { get; set; }
    public byte[]? BodyHash { get; set; }
}

/// <summary>Lines of one host rejected on one day (UTC) at one endpoint for one reason, and how many of them rejected_lines keeps.</summary>
public sealed class RejectedCount
{
    public int HostId { get; set; }
    public DateOnly Day { get; set; }
    public required string Stream { get; set; }
    public required string Reason { get; set; }
    public long Rejected { get; set; }
    public long Stored { get; set; }
}

/// <summary>
/// The last <c>oom_kill</c> counter of /proc/vmstat a host sent, so the next sample's increase can be
/// turned into kills (see MemoryEvents/VmstatCounter).
/// </summary>
public sealed class OomKillCounter
{
    public int HostId { get; set; }
    public DateTime Time { get; set; }
    public long OomKill { get; set; }
}
