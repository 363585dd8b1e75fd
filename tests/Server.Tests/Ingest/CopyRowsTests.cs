using System.Net;
using Dashboard.Server.Ingest;
using Dashboard.Server.Tests.Infrastructure;
using Npgsql;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>The hand-written binary COPY encoder, checked by reading back what PostgreSQL stored.</summary>
public sealed class CopyRowsTests : IAsyncLifetime
{
    private static readonly CopyTable Probe = new("COPY copy_probe (s, i, l, t, a, x, j) FROM STDIN (FORMAT BINARY)", 7);
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresCluster.CreateDatabaseAsync(nameof(CopyRowsTests));
        await Sql.ExecuteAsync(_connectionString,
            "CREATE TABLE copy_probe (n serial, s smallint, i integer, l bigint, t timestamptz, a inet, x text, j jsonb)");
    }

    public async Task DisposeAsync() => await PostgresCluster.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Every_type_reads_back_as_written()
    {
        var time = new DateTime(2015, 8, 17, 3, 31, 33, DateTimeKind.Utc).AddTicks(1234560);
        await CopyAsync(copy =>
        {
            Row(copy, 206, int.MaxValue, long.MinValue, time, IPAddress.Parse("202.215.15.8"), "HEAD / HTTP/1.1", """{"port":"80"}""");
            Row(copy, -1, -7, 0, new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), IPAddress.Parse("2001:db8::1"), "日本語 😀 ümlaut", null);
            copy.StartRow();
            for (var i = 0; i < 7; i++)
            {
                copy.WriteNull();
            }
        });

        var rows = await Sql.RowsAsync(_connectionString, "SELECT s, i, l, t, a::text, x, j::text FROM copy_probe ORDER BY n");

        Assert.Equal([(short)206, int.MaxValue, long.MinValue, time, "202.215.15.8/32", "HEAD / HTTP/1.1", """{"port": "80"}"""], rows[0]);
        Assert.Equal([(short)-1, -7, 0L, DateTime.UnixEpoch, "2001:db8::1/128", "日本語 😀 ümlaut", null], rows[1]);
        Assert.All(rows[2], Assert.Null);
    }

    [Fact]
    public async Task A_lone_surrogate_is_stored_as_the_replacement_character()
    {
        await CopyAsync(copy => Row(copy, 1, 1, 1, DateTime.UnixEpoch, IPAddress.Loopback, "a\uD800b", null));

        Assert.Equal("a\uFFFDb", (await Sql.RowsAsync(_connectionString, "SELECT x FROM copy_probe"))[0][0]);
    }

    [Fact]
    public async Task Rows_crossing_buffer_boundaries_and_a_value_larger_than_the_buffer_arrive_whole()
    {
        var large = string.Concat(Enumerable.Repeat("0123456789abcdé", 40_000));
        await CopyAsync(copy =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                Row(copy, (short)(i % 100), i, i, DateTime.UnixEpoch.AddSeconds(i), IPAddress.Parse("10.0.0.1"), $"line {i} " + new string('x', i % 300), null);
            }
            Row(copy, 0, -1, 0, DateTime.UnixEpoch, IPAddress.IPv6Loopback, large, null);
        });

        Assert.Equal(20_001, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM copy_probe"));
        Assert.Equal(0, await Sql.CountAsync(_connectionString,
            "SELECT count(*) FROM copy_probe WHERE i >= 0 AND x <> 'line ' || i || ' ' || repeat('x', i % 300)"));
        Assert.Equal(large, (await Sql.RowsAsync(_connectionString, "SELECT x FROM copy_probe WHERE i = -1"))[0][0]);
    }

    [Fact]
    public async Task Full_chunks_sent_while_rows_are_still_encoded_and_the_rest_sent_after_arrive_whole_and_in_order()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        using var rows = new CopyRows(Probe);
        var copy = await CopyRows.BeginAsync(connection, Probe, CancellationToken.None);
        for (var i = 0; i < 30_000; i++)
        {
            Row(rows, 1, i, i, DateTime.UnixEpoch, IPAddress.Loopback, $"row {i}", null);
            if (rows.HasFullChunks)
            {
                await rows.WriteFullChunksAsync(copy, CancellationToken.None);
            }
        }
        await rows.WriteAsync(copy, CancellationToken.None);
        await CopyRows.CompleteAsync(copy, CancellationToken.None);

        Assert.Equal(30_000, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM copy_probe"));
        Assert.Equal(0, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM copy_probe WHERE x <> 'row ' || i OR n <> i + 1"));
        Assert.Equal(0, rows.HeldBytes);
    }

    [Fact]
    public async Task An_abandoned_copy_stores_nothing_and_leaves_the_connection_usable()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        using (var rows = new CopyRows(Probe))
        await using (var copy = await CopyRows.BeginAsync(connection, Probe, CancellationToken.None))
        {
            Row(rows, 1, 1, 1, DateTime.UnixEpoch, IPAddress.Loopback, "never stored", null);
            await rows.WriteAsync(copy, CancellationToken.None);
            await copy.CancelAsync();
        }

        await using var command = new NpgsqlCommand("SELECT count(*) FROM copy_probe WHERE x = 'never stored'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private async Task CopyAsync(Action<CopyRows> write)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        using var rows = new CopyRows(Probe);
        write(rows);
        var copy = await CopyRows.BeginAsync(connection, Probe, CancellationToken.None);
        await rows.WriteAsync(copy, CancellationToken.None);
        await CopyRows.CompleteAsync(copy, CancellationToken.None);
    }

    private static void Row(CopyRows copy, short s, int i, long l, DateTime t, IPAddress a, string x, string? j)
    {
        copy.StartRow();
        copy.WriteInt16(s);
        copy.WriteInt32(i);
        copy.WriteInt64(l);
        copy.WriteTimestamp(t);
        copy.WriteInet(a);
        copy.WriteText(x);
        if (j is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.WriteJsonb(j);
        }
    }
}
