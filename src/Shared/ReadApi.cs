namespace Dashboard.Shared;

/// <summary>A host that ships logs.</summary>
/// <param name="Name">The host's name, as given to <c>hosts add</c>.</param>
/// <param name="TimeZone">IANA zone its RFC 3164 syslog times are read in.</param>
/// <param name="LogFormat">Its default Apache LogFormat (nickname or format string).</param>
/// <param name="LastSeen">When it last shipped anything.</param>
public sealed record HostInfo(string Name, string TimeZone, string LogFormat, DateTimeOffset? LastSeen);

/// <summary>Requests per bucket: the top IPs, the rest, and the total.</summary>
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
public sealed record IpSummary(
    string Ip,
    long Requests,
    long Bytes,
    long Status4xx,
    long Status5xx,
    long PeakPerMinute,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>Everything about one IP over a range.</summary>
/// <param name="Statuses">Requests by HTTP status code.</param>
/// <param name="Methods">Requests by method; lines without a request line count under "-".</param>
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
    IReadOnlyList<HostCount> Hosts);

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
/// <param name="Kind"><c>oom-kill</c>, <c>oom-invoked</c>, <c>oomd-kill</c> or <c>alloc-failure</c>.</param>
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
