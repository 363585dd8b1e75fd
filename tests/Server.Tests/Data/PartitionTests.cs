using Dashboard.Server.Data;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Tests.Data;

/// <summary>Daily partitions of access_log and syslog_lines: ahead of need, for stragglers, and dropped past retention.</summary>
public sealed class PartitionTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Partitions_exist_from_yesterday_to_three_days_ahead_once_the_server_starts()
    {
        var partitions = await PartitionsOfAsync("access_log");

        Assert.Superset(new HashSet<string> { "access_log_20150816", "access_log_20150817", "access_log_20150818", "access_log_20150819", "access_log_20150820", "access_log_default" },
            partitions.ToHashSet());
        Assert.DoesNotContain("access_log_20150821", partitions);
        Assert.Contains("syslog_lines_20150817", await PartitionsOfAsync("syslog_lines"));
    }

    [Fact]
    public async Task Lines_for_a_day_without_a_partition_wait_in_the_default_one_then_move_to_their_own()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("partition-old"));
        var old = new DateTimeOffset(2015, 7, 1, 10, 0, 0, TimeSpan.Zero);
        await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Lines(Enumerable.Range(0, 10).Select(i => ApacheLines.Combined("192.0.2.200", old.AddSeconds(i))))));

        await Maintenance(retentionDays: 0).MaintainAsync(CancellationToken.None);

        Assert.Contains("access_log_20150701", await PartitionsOfAsync("access_log"));
        Assert.Equal(0, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log_default a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'partition-old'"));
        Assert.Equal(10, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'partition-old'"));
    }

    [Fact]
    public async Task The_server_gives_an_imported_old_day_its_partition_by_itself_soon_after()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("partition-self"));

        await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Lines([ApacheLines.Combined("192.0.2.202", new DateTimeOffset(2015, 5, 5, 5, 5, 5, TimeSpan.Zero))])));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await PartitionsOfAsync("access_log")).Contains("access_log_20150505") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Contains("access_log_20150505", await PartitionsOfAsync("access_log"));
    }

    [Fact]
    public async Task Retention_drops_whole_days_older_than_it_keeps_and_their_rollups()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("partition-retention"));
        var ancient = new DateTimeOffset(2015, 6, 1, 10, 0, 0, TimeSpan.Zero);
        await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/access", UriKind.Relative),
            HttpBodies.Lines([ApacheLines.Combined("192.0.2.201", ancient), ApacheLines.Combined("192.0.2.201", new DateTimeOffset(2015, 8, 17, 3, 0, 0, TimeSpan.Zero))])));
        await Maintenance(retentionDays: 0).MaintainAsync(CancellationToken.None);
        Assert.Contains("access_log_20150601", await PartitionsOfAsync("access_log"));

        await Maintenance(retentionDays: 30).MaintainAsync(CancellationToken.None);

        Assert.DoesNotContain("access_log_20150601", await PartitionsOfAsync("access_log"));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = 'partition-retention'"));
        Assert.Equal(1, await Sql.CountAsync(app.ConnectionString,
            "SELECT sum(m.requests) FROM access_minute m JOIN hosts h ON h.id = m.host_id WHERE h.name = 'partition-retention'"));
    }

    private Partitions Maintenance(int retentionDays) => new(
        app.Services.GetRequiredService<NpgsqlDataSource>(),
        Options.Create(new RetentionOptions { Days = retentionDays }),
        app.Clock,
        NullLogger<Partitions>.Instance);

    private async Task<List<string>> PartitionsOfAsync(string table) =>
        [.. (await Sql.RowsAsync(app.ConnectionString,
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1",
            table)).Select(r => (string)r[0]!)];
}
