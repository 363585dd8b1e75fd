using Dashboard.Shared;

namespace Dashboard.Server.Stats;

/// <summary>The busiest client IPs of a range, with each one's busiest minute.</summary>
internal sealed class IpListQuery(IpRanking ranking)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public async Task<List<IpSummary>> GetAsync(ReadRange range, int limit, CancellationToken ct) =>
        [.. (await ranking.TopAsync(range, limit, ct)).Select(r => new IpSummary(
            r.Ip.ToString(), r.Requests, r.Bytes, r.Status4xx, r.Status5xx, r.PeakPerMinute,
            new DateTimeOffset(r.FirstSeen), new DateTimeOffset(r.LastSeen)))];
}
