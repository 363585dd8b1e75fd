using System.Net;

namespace Dashboard.Server.Stats;

/// <summary>
/// What a ranking knows before it looks anything up: per address, the requests known exactly so far
/// (a lower bound of its total) and the leaderboards it is listed in. An address left off a leaderboard
/// may have sent up to that leaderboard's floor that hour, so its total is at most what is known plus
/// the floors of the leaderboards it is missing from.
/// </summary>
internal sealed class RankingBounds
{
    private readonly Dictionary<IPAddress, (long Known, long ListedFloors)> _candidates = [];
    private long _totalFloor;

    public void AddLeaderboard(IPAddress[] ips, long[] requests, long floor)
    {
        _totalFloor += floor;
        for (var i = 0; i < ips.Length; i++)
        {
            var (known, listedFloors) = _candidates.GetValueOrDefault(ips[i]);
            _candidates[ips[i]] = (known + requests[i], listedFloors + floor);
        }
    }

    public void AddExact(IPAddress ip, long requests)
    {
        var (known, listedFloors) = _candidates.GetValueOrDefault(ip);
        _candidates[ip] = (known + requests, listedFloors);
    }

    /// <summary>The addresses leading on what is known of them.</summary>
    public IPAddress[] Leading(int count) =>
        [.. _candidates.OrderByDescending(c => c.Value.Known).ThenBy(c => c.Key, IpOrder.Instance).Take(count).Select(c => c.Key)];

    /// <summary>
    /// Whether <paramref name="exact"/> — exact totals of some addresses, sorted, including at least
    /// <see cref="Leading"/> — holds the true top <paramref name="count"/>: no address whose total is not
    /// known exactly, listed or not, can reach its <paramref name="count"/>-th entry.
    /// </summary>
    public bool Proves(IReadOnlyList<RankedIp> exact, int count) => Proves(exact, count, Contenders(exact, count));

    /// <summary><see cref="Proves(IReadOnlyList{RankedIp}, int)"/> with the <see cref="Contenders"/> of <paramref name="exact"/> already found.</summary>
    public bool Proves(IReadOnlyList<RankedIp> exact, int count, IPAddress[] contenders) =>
        // A zero floor: every leaderboard lists its whole hour, so every total is known exactly.
        _totalFloor == 0 || (exact.Count >= count && _totalFloor < exact[count - 1].Requests && contenders.Length == 0);

    /// <summary>The addresses not known exactly whose totals could still reach the <paramref name="count"/>-th entry.</summary>
    public IPAddress[] Contenders(IReadOnlyList<RankedIp> exact, int count)
    {
        if (exact.Count < count)
        {
            return [];
        }
        var last = exact[count - 1];
        var known = exact.Select(r => r.Ip).ToHashSet();
        return [.. _candidates
            .Where(c => !known.Contains(c.Key))
            .Where(c => UpperBound(c.Value) is var upper && (upper > last.Requests || (upper == last.Requests && IpOrder.Instance.Compare(c.Key, last.Ip) < 0)))
            .Select(c => c.Key)];
    }

    private long UpperBound((long Known, long ListedFloors) candidate) => candidate.Known + _totalFloor - candidate.ListedFloors;
}
