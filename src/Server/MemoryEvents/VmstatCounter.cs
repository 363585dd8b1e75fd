using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.MemoryEvents;

/// <summary>
/// The <c>oom_kill</c> counter of /proc/vmstat (Linux 4.13+): a second source of OOM kills for hosts
/// whose kernel log is not shipped. The last sample per host is kept in oom_kill_counters.
/// </summary>
/// <remarks>
/// A sample at T with counter C, after the previous one at T0 with C0:
/// <list type="bullet">
/// <item>no previous sample: remembered, no event (the kills before it have no time);</item>
/// <item>T ≤ T0: an old or resent sample, ignored;</item>
/// <item>C &lt; C0: the host rebooted (the counter starts at 0): remembered, no event;</item>
/// <item>C &gt; C0: N = C − C0 kills happened in (T0, T]. The kills the kernel log already gave for that
/// window (<c>oom-kill</c> events stored from kernel lines, with T0 &lt; time ≤ T) are those kills, so only
/// N minus that many <c>oom-kill</c> events are made, at T, with no pid or process, their message saying
/// that they come from the counter.</item>
/// </list>
/// Kernel lines that arrive after the sample that covers them are not matched against its events: both count.
/// </remarks>
internal static class VmstatCounter
{
    /// <summary>The start of the message of the events made here; kernel events never start so.</summary>
    public const string MessagePrefix = "oom_kill counter of /proc/vmstat";

    /// <summary>Events one sample may make: a jump past this is a counter reset the host did not show.</summary>
    public const int MaxEventsPerSample = 1000;

    /// <summary>A /proc/vmstat text: <c>name value</c> lines; only <c>oom_kill</c> is read.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long oomKill, [NotNullWhen(false)] out string? error)
    {
        oomKill = 0;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].Trim();
            if (!line.StartsWith("oom_kill ") && !line.StartsWith("oom_kill\t"))
            {
                continue;
            }
            if (long.TryParse(line["oom_kill".Length..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out oomKill))
            {
                error = null;
                return true;
            }
            error = "oom_kill is not a number";
            return false;
        }
        error = "no oom_kill line: not a /proc/vmstat text, or a kernel older than 4.13";
        return false;
    }

    private const string FirstSql = """
        INSERT INTO oom_kill_counters (host_id, time, oom_kill) VALUES (@host_id, @time, @oom_kill) ON CONFLICT (host_id) DO NOTHING
        """;

    private const string PreviousSql = "SELECT time, oom_kill FROM oom_kill_counters WHERE host_id = @host_id FOR UPDATE";

    private const string RememberSql = "UPDATE oom_kill_counters SET time = @time, oom_kill = @oom_kill WHERE host_id = @host_id";

    private const string LoggedKillsSql = $"""
        SELECT count(*) FROM host_events
        WHERE host_id = @host_id AND kind = '{HostEventKinds.OomKill}' AND time > @since AND time <= @until AND NOT starts_with(message, '{MessagePrefix}')
        """;

    private const string AddKillsSql = $"""
        INSERT INTO host_events (host_id, kind, time, message)
        SELECT @host_id, '{HostEventKinds.OomKill}', @time, @message FROM generate_series(1, @count)
        """;

    /// <summary>Records the sample and returns the kill events it made.</summary>
    public static async Task<int> RecordAsync(NpgsqlConnection connection, int hostId, DateTime timeUtc, long counter, CancellationToken ct)
    {
        await using (var first = Command(connection, FirstSql, ("host_id", hostId), ("time", timeUtc), ("oom_kill", counter)))
        {
            if (await first.ExecuteNonQueryAsync(ct) == 1)
            {
                return 0;
            }
        }
        DateTime previousTime;
        long previousCounter;
        await using (var previous = Command(connection, PreviousSql, ("host_id", hostId)))
        await using (var reader = await previous.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            previousTime = reader.GetFieldValue<DateTime>(0);
            previousCounter = reader.GetInt64(1);
        }
        if (timeUtc <= previousTime)
        {
            return 0;
        }
        await using (var remember = Command(connection, RememberSql, ("host_id", hostId), ("time", timeUtc), ("oom_kill", counter)))
        {
            await remember.ExecuteNonQueryAsync(ct);
        }
        if (counter <= previousCounter)
        {
            return 0;
        }
        var killed = counter - previousCounter;
        long logged;
        await using (var count = Command(connection, LoggedKillsSql, ("host_id", hostId), ("since", previousTime), ("until", timeUtc)))
        {
            logged = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        var events = (int)Math.Min(Math.Max(0, killed - logged), MaxEventsPerSample);
        if (events == 0)
        {
            return 0;
        }
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{MessagePrefix} rose by {killed} between {previousTime:yyyy-MM-ddTHH:mm:ssZ} and {timeUtc:yyyy-MM-ddTHH:mm:ssZ}; "
            + $"{logged} of these kills were logged by the kernel, this is one of the {killed - logged} that were not (process unknown)");
        await using (var add = Command(connection, AddKillsSql, ("host_id", hostId), ("time", timeUtc), ("message", message), ("count", events)))
        {
            await add.ExecuteNonQueryAsync(ct);
        }
        return events;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is DateTime time
                ? new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = time }
                : new NpgsqlParameter(name, value));
        }
        return command;
    }
}
