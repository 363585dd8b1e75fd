namespace Dashboard.Shared;

/// <summary>A host that ships logs.</summary>
/// <param name="Name">The host's name, as given to <c>hosts add</c>.</param>
/// <param name="TimeZone">IANA zone its RFC 3164 syslog times are read in.</param>
/// <param name="LogFormat">Its default Apache LogFormat (nickname or format string).</param>
/// <param name="LastSeen">When it last shipped anything.</param>
public sealed record HostInfo(string Name, string TimeZone, string LogFormat, DateTimeOffset? LastSeen);

/// <summary>Requests per bucket: the top IPs, the rest, and the total.</summary>
/// <remarks>
/// Counts come from per-minute rollups: a minute counts when it overlaps [from, to). Buckets start at
/// multiples of <paramref name="StepSeconds"/> since the Unix epoch.
/// </remarks>
/// <param name="StepSeconds">Bucket width.</param>
/// <param name="Buckets">Start of each bucket; every other array is indexed like this one.</param>
/// <param name="Total">All requests per bucket.</param>
/// <param name="Series">The top IPs of the range, by requests, each with its count per bucket.</param>
/// <param name="Other">Requests from every IP not in <paramref name="Series"/>.</param>
public sealed record TrafficResponse(
    int StepSeconds,
    IReadOnlyList<DateTimeOffset> Buckets,
    IReadOnlyList<long> Total,
    IReadOnlyList<TrafficSeries> Series,
    IReadOnlyList<long> Other);

/// <summary>One IP's requests per bucket.</summary>
public sealed record TrafficSeries(string Ip, IReadOnlyList<long> Counts);

/// <summary>One client IP over a range.</summary>
/// <param name="PeakPerMinute">Its busiest minute's request count.</param>
/// <param name="Sparkline">
/// Its requests in equal slices of the range, oldest first (about 30); only when asked for with
/// <c>sparklines=1</c>, otherwise null.
/// </param>
public sealed record IpSummary(
    string Ip,
    long Requests,
    long Bytes,
    long Status4xx,
    long Status5xx,
    long PeakPerMinute,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<long>? Sparkline = null);

/// <summary>Everything about one IP over a range.</summary>
/// <param name="Requests">All its requests in the range (exact, at minute resolution like every count).</param>
/// <param name="Statuses">Requests by HTTP status code, among the <paramref name="BreakdownRequests"/> latest.</param>
/// <param name="Methods">Requests by method ("-" for lines without a request line), among the same latest requests.</param>
/// <param name="TopPaths">The most requested paths among the same latest requests.</param>
/// <param name="UserAgents">The most frequent User-Agents ("-" for none) among the same latest requests.</param>
/// <param name="Hosts">Requests per receiving host (exact).</param>
/// <param name="BreakdownRequests">
/// How many of its latest requests the breakdowns count: all of them, unless the IP sent more than the
/// server reads raw for one answer, in which case the breakdowns describe the most recent ones.
/// </param>
public sealed record IpDetail(
    string Ip,
    long Requests,
    long Bytes,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    int StepSeconds,
    IReadOnlyList<TimelinePoint> Timeline,
    IReadOnlyDictionary<string, long> Statuses,
    IReadOnlyDictionary<string, long> Methods,
    IReadOnlyList<PathCount> TopPaths,
    IReadOnlyList<UserAgentCount> UserAgents,
    IReadOnlyList<HostCount> Hosts,
    long BreakdownRequests);

/// <summary>Requests in the bucket starting at <paramref name="Time"/>.</summary>
public sealed record TimelinePoint(DateTimeOffset Time, long Count);

/// <summary>Requests for one path.</summary>
public sealed record PathCount(string Path, long Count);

/// <summary>Requests with one User-Agent.</summary>
public sealed record UserAgentCount(string UserAgent, long Count);

/// <summary>Requests received by one host.</summary>
public sealed record HostCount(string Host, long Count);

/// <summary>A page of one IP's raw requests, newest first.</summary>
/// <param name="Next">Pass as <c>before</c> for the next page; null on the last page.</param>
public sealed record RequestPage(IReadOnlyList<RequestItem> Items, string? Next);

/// <summary>One access-log line as stored. Every text field is what the client sent: display it as text.</summary>
public sealed record RequestItem(
    DateTimeOffset Time,
    string Host,
    string? Method,
    string? Path,
    string? Protocol,
    int? Status,
    long? Bytes,
    string? Referer,
    string? UserAgent);

/// <summary>A host's memory at one time (the lowest reading of its bucket when samples are bucketed).</summary>
public sealed record MemoryPoint(
    string Host,
    DateTimeOffset Time,
    long? MemTotalKb,
    long? MemAvailableKb,
    long? SwapTotalKb,
    long? SwapFreeKb);

/// <summary>A memory event from a host's kernel or systemd-oomd log.</summary>
/// <param name="Kind">One of <see cref="HostEventKinds"/>.</param>
/// <param name="Message">The raw log line(s) it was read from.</param>
public sealed record HostEventItem(
    string Host,
    DateTimeOffset Time,
    string Kind,
    int? Pid,
    string? Process,
    int? Score,
    long? TotalVmKb,
    long? AnonRssKb,
    string Message);
