namespace Dashboard.Shared;

/// <summary>Who is signed in.</summary>
public sealed record SessionInfo(string Name);

/// <summary>An operator's credentials, for <c>POST /api/v1/session</c>.</summary>
public sealed record LoginRequest(string Name, string Password);

/// <summary>A host to add, for <c>POST /api/v1/admin/hosts</c>.</summary>
/// <param name="TimeZone">IANA zone its RFC 3164 syslog times are written in.</param>
/// <param name="LogFormat">Apache LogFormat nickname or string; null means <c>combined</c>.</param>
public sealed record HostRequest(string Name, string TimeZone, string? LogFormat);

/// <summary>A read token to issue, for <c>POST /api/v1/admin/tokens</c>.</summary>
public sealed record ReaderRequest(string Name);

/// <summary>A token as issued: shown this once, never again (only its hash is kept).</summary>
public sealed record IssuedToken(int Id, string Token);

/// <summary>An ingest or read token, without the token itself.</summary>
/// <param name="Kind"><c>ingest</c> or <c>read</c>.</param>
/// <param name="Host">The host an ingest token ships for.</param>
public sealed record TokenInfo(int Id, string Kind, string Name, string? Host, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
