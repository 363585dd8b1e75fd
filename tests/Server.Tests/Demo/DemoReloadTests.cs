using System.Net.Http.Json;
using Dashboard.Server.Demo;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Server.Tests.Demo;

/// <summary>Running the demo again, or replaying it live, against a server that already has it.</summary>
public sealed class DemoReloadTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private const string CountRowsSql = """
        SELECT (SELECT count(*) FROM access_log) + (SELECT count(*) FROM syslog_lines)
             + (SELECT count(*) FROM memory_samples) + (SELECT count(*) FROM host_events)
        """;

    [Fact]
    public async Task Loading_the_demo_twice_stores_nothing_twice()
    {
        var batches = DemoBatches.All(DemoIncident.Create());
        await LoadAsync(batches);
        var once = await Sql.CountAsync(app.ConnectionString, CountRowsSql);

        var again = await LoadAsync(batches);

        Assert.Equal(once, await Sql.CountAsync(app.ConnectionString, CountRowsSql));
        Assert.Equal(0, again.Rejected);
        Assert.Equal(452, await AttackerRequestsAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_second_live_replay_lands_at_its_own_shift_and_a_repeat_of_one_stores_nothing_twice()
    {
        var firstShift = DemoIncident.ShiftToFollow(new DateTimeOffset(2015, 9, 1, 3, 0, 17, TimeSpan.Zero), DemoBatches.LiveAnchor);
        var secondShift = DemoIncident.ShiftToFollow(new DateTimeOffset(2015, 9, 1, 6, 12, 40, TimeSpan.Zero), DemoBatches.LiveAnchor);
        var first = DemoBatches.Live(DemoIncident.Create(firstShift), TimeSpan.FromMinutes(1));
        var second = DemoBatches.Live(DemoIncident.Create(secondShift), TimeSpan.FromMinutes(1));
        // A clock past the end of both: every batch is due, and sent at once.
        var afterwards = new FakeTimeProvider(DemoIncident.End + secondShift + TimeSpan.FromMinutes(1));
        app.Clock.SetUtcNow(afterwards.GetUtcNow());

        var firstResult = await ReplayAsync(first, afterwards);
        await ReplayAsync(second, afterwards);
        var rows = await Sql.CountAsync(app.ConnectionString, CountRowsSql);
        await ReplayAsync(second, afterwards);

        Assert.Equal(0, firstResult.Rejected);
        Assert.Equal(rows, await Sql.CountAsync(app.ConnectionString, CountRowsSql));
        Assert.Equal(452, await AttackerRequestsAsync(firstShift));
        Assert.Equal(452, await AttackerRequestsAsync(secondShift));
        var from = Uri.EscapeDataString((DemoIncident.FirstKill + secondShift).ToString("O"));
        var to = Uri.EscapeDataString((DemoIncident.LastKill + secondShift).AddSeconds(1).ToString("O"));
        var kills = await ReadAsync<List<HostEventItem>>($"/api/v1/events?host=hoge&from={from}&to={to}");
        Assert.Equal(10, kills.Count(e => e.Kind == "oom-kill"));
    }

    private async Task<DemoLoadResult> LoadAsync(IEnumerable<DemoBatch> batches)
    {
        using var client = app.CreateClient();
        var loader = new DemoLoader(client, (await DemoLoader.IssueIngestTokenAsync(app.Services, CancellationToken.None)).Token);
        return await loader.LoadAsync(batches, CancellationToken.None);
    }

    private async Task<DemoLoadResult> ReplayAsync(IEnumerable<DemoBatch> batches, TimeProvider clock)
    {
        using var client = app.CreateClient();
        var loader = new DemoLoader(client, (await DemoLoader.IssueIngestTokenAsync(app.Services, CancellationToken.None)).Token);
        return await loader.ReplayAsync(batches, clock, CancellationToken.None);
    }

    private async Task<long> AttackerRequestsAsync(TimeSpan shift)
    {
        var from = Uri.EscapeDataString((DemoIncident.AttackFrom + shift).ToString("O"));
        var to = Uri.EscapeDataString((DemoIncident.AttackTo + shift).ToString("O"));
        return (await ReadAsync<IpDetail>($"/api/v1/ips/{DemoIncident.Attacker}?host=hoge&from={from}&to={to}")).Requests;
    }

    private async Task<T> ReadAsync<T>(string path)
    {
        using var client = app.ClientWithToken(await app.AddReaderAsync());
        return (await client.GetFromJsonAsync<T>(new Uri(path, UriKind.Relative)))!;
    }
}
