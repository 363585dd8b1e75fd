using Dashboard.Shared;

namespace Dashboard.Server.Stats;

/// <summary>The busiest client IPs of a range, with each one's busiest minute (and, when asked, its sparkline).</summary>
internal sealed class IpListQuery(IpRanking ranking, SparklineQuery sparklines)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public async Task<List<IpSummary>> GetAsync(ReadRange range, int limit, bool withSparklines, CancellationToken ct)
    {
        var ranked = await ranking.TopAsync(range, limit, ct);
        var lines = withSparklines ? await sparklines.GetAsync(range, [.. ranked.Select(r => r.Ip)], ct) : null;
        return [.. ranked.Select(r => new IpSummary(
            r.Ip.ToString(), r.Requests, r.Bytes, r.Status4xx, r.Status5xx, r.PeakPerMinute,
            new DateTimeOffset(r.FirstSeen), new DateTimeOffset(r.LastSeen), lines?[r.Ip]))];
    }
}
