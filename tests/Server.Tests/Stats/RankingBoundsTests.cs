using System.Net;
using Dashboard.Server.Stats;

namespace Dashboard.Server.Tests.Stats;

public sealed class RankingBoundsTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1"), B = IPAddress.Parse("192.0.2.2"), C = IPAddress.Parse("192.0.2.3");

    private static RankedIp Exact(IPAddress ip, long requests) => new(ip, requests, 0, 0, 0, default, default, 0, 1);

    [Fact]
    public void A_leader_far_above_every_floor_is_proven()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A, B], [500, 40], floor: 5);
        bounds.AddLeaderboard([A, C], [400, 30], floor: 5);

        Assert.Equal([A], bounds.Leading(1));
        Assert.True(bounds.Proves([Exact(A, 900)], 1));
    }

    [Fact]
    public void Floors_that_add_up_to_the_last_entry_prove_nothing()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A], [10], floor: 6);
        bounds.AddLeaderboard([B], [10], floor: 6);

        // A may have sent up to 6 in B's hour: 16 or less. An unlisted address: up to 12.
        Assert.False(bounds.Proves([Exact(A, 12)], 1));
    }

    [Fact]
    public void A_candidate_that_could_still_overtake_the_last_entry_proves_nothing()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A, B], [100, 90], floor: 1);
        bounds.AddLeaderboard([A], [5], floor: 20);

        // B: 90 known, plus up to 20 in the second hour = 110 > A's exact 105.
        Assert.False(bounds.Proves([Exact(A, 105)], 1));
    }

    [Fact]
    public void The_candidates_that_could_still_overtake_are_the_contenders_and_knowing_them_exactly_proves_the_ranking()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A, B, C], [100, 90, 10], floor: 1);
        bounds.AddLeaderboard([A], [5], floor: 20);
        List<RankedIp> exact = [Exact(A, 105)];

        Assert.Equal([B], bounds.Contenders(exact, 1));
        exact.Add(Exact(B, 95));
        Assert.True(bounds.Proves(exact, 1));
    }

    [Fact]
    public void Complete_leaderboards_and_exact_rows_prove_any_ranking()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A, B], [3, 2], floor: 0);
        bounds.AddExact(C, 1);

        Assert.Equal([A, B, C], bounds.Leading(5));
        Assert.True(bounds.Proves([Exact(A, 3), Exact(B, 2), Exact(C, 1)], 5));
    }

    [Fact]
    public void Fewer_ranked_than_asked_for_proves_nothing_while_floors_remain()
    {
        var bounds = new RankingBounds();
        bounds.AddLeaderboard([A], [100], floor: 1);

        Assert.False(bounds.Proves([Exact(A, 100)], 2));
    }
}
