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
    /// Whether <paramref name="ranked"/> — the exact totals of <see cref="Leading"/>, sorted — is the true
    /// top <paramref name="count"/>: no other address, listed or not, can reach its last entry.
    /// </summary>
    public bool Proves(List<RankedIp> ranked, int count)
    {
        if (_totalFloor == 0)
        {
            // Every leaderboard lists its whole hour: every total is known exactly.
            return true;
        }
        if (ranked.Count < count || _totalFloor >= ranked[count - 1].Requests)
        {
            return false;
        }
        var last = ranked[count - 1];
        var selected = ranked.Take(count).Select(r => r.Ip).ToHashSet();
        foreach (var (ip, (known, listedFloors)) in _candidates)
        {
            var upper = known + _totalFloor - listedFloors;
            if (!selected.Contains(ip) && (upper > last.Requests || (upper == last.Requests && IpOrder.Instance.Compare(ip, last.Ip) < 0)))
            {
                return false;
            }
        }
        return true;
    }
}
