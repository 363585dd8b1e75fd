using System.Net;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// A batch's requests per (minute, ip), summed in memory and upserted in three set-based statements
/// (per minute and ip, per hour and ip, per minute) so that charts and rankings never read raw rows.
/// The hourly rollup also keeps each address's busiest minute, from the minute totals the first
/// upsert returns, so that "peak per minute" over a day never reads the per-minute rows.
/// </summary>
internal sealed class AccessRollups
{
    private readonly Dictionary<(long Minute, IPAddress Ip), Counts> _byMinuteAndIp = [];
    private readonly Dictionary<(short Shape, IPAddress Ip, long Minute), long> _shapes = [];

    private sealed class Counts
    {
        public long Requests;
        public long Bytes;
        public long Status4xx;
        public long Status5xx;
        public long Head;
        public long Status206;
        public long NoAgent;
        public long PeakMinute;
        public DateTime FirstSeen = DateTime.MaxValue;
        public DateTime LastSeen = DateTime.MinValue;

        public void Add(Counts other)
        {
            Requests += other.Requests;
            Bytes += other.Bytes;
            Status4xx += other.Status4xx;
            Status5xx += other.Status5xx;
            Head += other.Head;
            Status206 += other.Status206;
            NoAgent += other.NoAgent;
            if (other.FirstSeen < FirstSeen)
            {
                FirstSeen = other.FirstSeen;
            }
            if (other.LastSeen > LastSeen)
            {
                LastSeen = other.LastSeen;
            }
        }
    }

    public int Count => _byMinuteAndIp.Count + _shapes.Count;

    public void Clear()
    {
        _byMinuteAndIp.Clear();
        _shapes.Clear();
    }

    /// <param name="shapes">The request shapes (Detection/RequestShapes) the line has, if any.</param>
    public void Add(DateTime timeUtc, IPAddress ip, int status, long bytes, bool isHead, bool noAgent, IReadOnlyList<short>? shapes)
    {
        var minute = timeUtc.Ticks - timeUtc.Ticks % TimeSpan.TicksPerMinute;
        if (!_byMinuteAndIp.TryGetValue((minute, ip), out var counts))
        {
            counts = new Counts();
            _byMinuteAndIp.Add((minute, ip), counts);
        }
        counts.Requests++;
        counts.Bytes += Math.Max(bytes, 0);
        counts.Status4xx += status is >= 400 and < 500 ? 1 : 0;
        counts.Status5xx += status is >= 500 and < 600 ? 1 : 0;
        counts.Status206 += status == 206 ? 1 : 0;
        counts.Head += isHead ? 1 : 0;
        counts.NoAgent += noAgent ? 1 : 0;
        foreach (var shape in shapes ?? [])
        {
            _shapes[(shape, ip, minute)] = _shapes.GetValueOrDefault((shape, ip, minute)) + 1;
        }
        if (timeUtc < counts.FirstSeen)
        {
            counts.FirstSeen = timeUtc;
        }
        if (timeUtc > counts.LastSeen)
        {
            counts.LastSeen = timeUtc;
        }
    }

    private const string UpsertMinuteSql = """
        INSERT INTO access_minute AS t (host_id, minute, client_ip, requests, bytes, status4xx, status5xx, head, status206, no_agent, first_seen, last_seen)
        SELECT $1, u.* FROM unnest($2::timestamptz[], $3::inet[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::timestamptz[], $12::timestamptz[]) AS u
        ON CONFLICT (client_ip, minute, host_id) DO UPDATE SET
            requests = t.requests + excluded.requests, bytes = t.bytes + excluded.bytes,
            status4xx = t.status4xx + excluded.status4xx, status5xx = t.status5xx + excluded.status5xx,
            head = t.head + excluded.head, status206 = t.status206 + excluded.status206, no_agent = t.no_agent + excluded.no_agent,
            first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)
        RETURNING client_ip, minute, requests
        """;

    private const string UpsertHourSql = """
        INSERT INTO access_hour AS t (host_id, hour, client_ip, requests, bytes, status4xx, status5xx, head, status206, no_agent, first_seen, last_seen, peak_minute)
        SELECT $1, u.* FROM unnest($2::timestamptz[], $3::inet[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::timestamptz[], $12::timestamptz[], $13::bigint[]) AS u
        ON CONFLICT (hour, host_id, client_ip) DO UPDATE SET
            requests = t.requests + excluded.requests, bytes = t.bytes + excluded.bytes,
            status4xx = t.status4xx + excluded.status4xx, status5xx = t.status5xx + excluded.status5xx,
            head = t.head + excluded.head, status206 = t.status206 + excluded.status206, no_agent = t.no_agent + excluded.no_agent,
            first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen),
            peak_minute = greatest(t.peak_minute, excluded.peak_minute)
        """;

    private const string UpsertHostMinuteSql = """
        INSERT INTO access_host_minute AS t (host_id, minute, requests, bytes)
        SELECT $1, u.* FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[]) AS u
        ON CONFLICT (host_id, minute) DO UPDATE SET requests = t.requests + excluded.requests, bytes = t.bytes + excluded.bytes
        """;

    public async Task UpsertAsync(NpgsqlConnection connection, int hostId, CancellationToken ct)
    {
        if (_byMinuteAndIp.Count == 0)
        {
            return;
        }
        await UpsertShapesAsync(connection, hostId, ct);
        var byHourAndIp = new Dictionary<(long Hour, IPAddress Ip), Counts>();
        var byMinute = new Dictionary<long, Counts>();
        foreach (var ((minute, ip), counts) in _byMinuteAndIp)
        {
            var hour = minute - minute % TimeSpan.TicksPerHour;
            if (!byHourAndIp.TryGetValue((hour, ip), out var hourCounts))
            {
                byHourAndIp.Add((hour, ip), hourCounts = new Counts());
            }
            hourCounts.Add(counts);
            if (!byMinute.TryGetValue(minute, out var minuteCounts))
            {
                byMinute.Add(minute, minuteCounts = new Counts());
            }
            minuteCounts.Add(counts);
        }
        // A minute's total after this batch is the candidate for its hour's busiest minute.
        foreach (var (ip, minute, requests) in await UpsertPerIpAsync(connection, UpsertMinuteSql, hostId, _byMinuteAndIp, addressFirst: true, ct))
        {
            var hourCounts = byHourAndIp[(minute - minute % TimeSpan.TicksPerHour, ip)];
            hourCounts.PeakMinute = Math.Max(hourCounts.PeakMinute, requests);
        }
        await UpsertPerIpAsync(connection, UpsertHourSql, hostId, byHourAndIp, addressFirst: false, ct);
        await UpsertPerHostAsync(connection, hostId, byMinute, ct);
    }

    // Rows go in the order of the table's key — (address, minute) for minutes, (hour, address) for
    // hours — so that the btree is walked leaf by leaf, and so that concurrent batches lock rollup rows
    // in one global order and cannot deadlock each other. The minute upsert returns the new totals.
    private static async Task<List<(IPAddress Ip, long Minute, long Requests)>> UpsertPerIpAsync(
        NpgsqlConnection connection, string sql, int hostId, Dictionary<(long, IPAddress), Counts> rows, bool addressFirst, CancellationToken ct)
    {
        var returnsTotals = addressFirst;
        var ordered = addressFirst
            ? rows.OrderBy(r => r.Key.Item2, IpOrder.Instance).ThenBy(r => r.Key.Item1).ToArray()
            : rows.OrderBy(r => r.Key.Item1).ThenBy(r => r.Key.Item2, IpOrder.Instance).ToArray();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = hostId });
        command.Parameters.Add(new() { Value = ordered.Select(r => new DateTime(r.Key.Item1, DateTimeKind.Utc)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = ordered.Select(r => r.Key.Item2).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Inet });
        AddCounts(command, ordered.Select(r => r.Value).ToArray(), withPeak: !returnsTotals);
        List<(IPAddress, long, long)> totals = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (returnsTotals && await reader.ReadAsync(ct))
        {
            totals.Add((reader.GetFieldValue<IPAddress>(0), reader.GetFieldValue<DateTime>(1).Ticks, reader.GetInt64(2)));
        }
        return totals;
    }

    private static void AddCounts(NpgsqlCommand command, Counts[] counts, bool withPeak)
    {
        AddLongs(command, counts.Select(c => c.Requests));
        AddLongs(command, counts.Select(c => c.Bytes));
        AddLongs(command, counts.Select(c => c.Status4xx));
        AddLongs(command, counts.Select(c => c.Status5xx));
        AddLongs(command, counts.Select(c => c.Head));
        AddLongs(command, counts.Select(c => c.Status206));
        AddLongs(command, counts.Select(c => c.NoAgent));
        command.Parameters.Add(new() { Value = counts.Select(c => c.FirstSeen).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = counts.Select(c => c.LastSeen).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        if (withPeak)
        {
            AddLongs(command, counts.Select(c => c.PeakMinute));
        }
    }

    private static void AddLongs(NpgsqlCommand command, IEnumerable<long> values) =>
        command.Parameters.Add(new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });

    private const string UpsertShapesSql = """
        INSERT INTO access_shape_minute AS t (host_id, shape, client_ip, minute, requests)
        SELECT $1, u.* FROM unnest($2::smallint[], $3::inet[], $4::timestamptz[], $5::bigint[]) AS u
        ON CONFLICT (host_id, shape, client_ip, minute) DO UPDATE SET requests = t.requests + excluded.requests
        """;

    // In the key's order, like the other rollups, so that concurrent batches lock rows in one order.
    private async Task UpsertShapesAsync(NpgsqlConnection connection, int hostId, CancellationToken ct)
    {
        if (_shapes.Count == 0)
        {
            return;
        }
        var ordered = _shapes.OrderBy(s => s.Key.Shape).ThenBy(s => s.Key.Ip, IpOrder.Instance).ThenBy(s => s.Key.Minute).ToArray();
        await using var command = new NpgsqlCommand(UpsertShapesSql, connection);
        command.Parameters.Add(new() { Value = hostId });
        command.Parameters.Add(new() { Value = ordered.Select(s => s.Key.Shape).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new() { Value = ordered.Select(s => s.Key.Ip).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Inet });
        command.Parameters.Add(new() { Value = ordered.Select(s => new DateTime(s.Key.Minute, DateTimeKind.Utc)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        AddLongs(command, ordered.Select(s => s.Value));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task UpsertPerHostAsync(NpgsqlConnection connection, int hostId, Dictionary<long, Counts> rows, CancellationToken ct)
    {
        var ordered = rows.OrderBy(r => r.Key).ToArray();
        await using var command = new NpgsqlCommand(UpsertHostMinuteSql, connection);
        command.Parameters.Add(new() { Value = hostId });
        command.Parameters.Add(new() { Value = ordered.Select(r => new DateTime(r.Key, DateTimeKind.Utc)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        AddLongs(command, ordered.Select(r => r.Value.Requests));
        AddLongs(command, ordered.Select(r => r.Value.Bytes));
        await command.ExecuteNonQueryAsync(ct);
    }
}
