using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>Retention of stored data (configuration section <c>Dashboard:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>Days of raw lines, rollups, samples and events to keep; 0 keeps everything.</summary>
    public int Days { get; set; }

    /// <summary>Daily partitions created ahead of today, so that ingest never waits for one.</summary>
    public int DaysAhead { get; set; } = 3;
}

internal sealed class ValidateRetentionOptions : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        List<string> errors = [];
        if (options.Days < 0)
        {
            errors.Add("Dashboard:Retention:Days must be 0 (keep everything) or a number of days.");
        }
        if (options.DaysAhead is < 1 or > 60)
        {
            errors.Add("Dashboard:Retention:DaysAhead must be between 1 and 60.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Daily partitions of access_log and syslog_lines: created ahead of need; rows that arrived for a day
/// without one (old logs imported, clocks far off) land in the default partition and are moved into
/// a partition of their own; whole days past retention are dropped.
/// </summary>
internal sealed class Partitions(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<Partitions> logger)
{
    public static readonly string[] Tables = ["access_log", "syslog_lines"];

    public async Task MaintainAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One round at a time, across every server on this database: two creating the same partition
        // at once would collide in PostgreSQL's catalog.
        await using (var lockRound = new NpgsqlCommand(LockSql, connection))
        {
            await lockRound.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await MaintainLockedAsync(connection, ct);
        }
        finally
        {
            // A pooled connection keeps session locks until it is reused: release now.
            await using var unlock = new NpgsqlCommand(UnlockSql, connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task MaintainLockedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var keepFrom = options.Value.Days > 0 ? today.AddDays(-options.Value.Days) : DateOnly.MinValue;
        foreach (var table in Tables)
        {
            for (var day = today.AddDays(-1); day <= today.AddDays(options.Value.DaysAhead); day = day.AddDays(1))
            {
                if (day >= keepFrom)
                {
                    await CreateAsync(connection, table, day, ct);
                }
            }
            foreach (var day in await DaysInDefaultAsync(connection, table, ct))
            {
                if (day >= keepFrom)
                {
                    await CreateAsync(connection, table, day, ct);
                }
            }
            if (options.Value.Days > 0)
            {
                await DropBeforeAsync(connection, table, keepFrom, ct);
            }
        }
        if (options.Value.Days > 0)
        {
            await DeleteRecordsBeforeAsync(connection, keepFrom, ct);
        }
    }

    private const string LockSql = "SELECT pg_advisory_lock(hashtext('dashboard:partition-maintenance'))";
    private const string UnlockSql = "SELECT pg_advisory_unlock(hashtext('dashboard:partition-maintenance'))";

    public static string PartitionName(string table, DateOnly day) => $"{table}_{day:yyyyMMdd}";

    private const string DaysInDefaultSql = "SELECT DISTINCT (time AT TIME ZONE 'UTC')::date FROM {0}_default ORDER BY 1";

    private static async Task<List<DateOnly>> DaysInDefaultAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, DaysInDefaultSql, table), connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<DateOnly> days = [];
        while (await reader.ReadAsync(ct))
        {
            days.Add(reader.GetFieldValue<DateOnly>(0));
        }
        return days;
    }

    // CREATE TABLE … PARTITION OF would take an exclusive lock on the parent and wait for every
    // ingest in flight; a standalone table with a matching CHECK attaches under a weaker lock and
    // without a validation scan of itself.
    private const string CreateSql = """
        SET LOCAL lock_timeout = '2s';
        CREATE TABLE {1} (LIKE {0} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
        ALTER TABLE {1} ADD CONSTRAINT {1}_range CHECK (time >= '{2}' AND time < '{3}');
        {4}
        ALTER TABLE {0} ATTACH PARTITION {1} FOR VALUES FROM ('{2}') TO ('{3}');
        ALTER TABLE {1} DROP CONSTRAINT {1}_range;
        """;

    // The day's rows already in the default partition move across first. A query planned before this
    // commits knows only the old partitions but may read after it: it would miss the rows that left
    // the default partition. So a move, which happens only after old logs were imported, takes the
    // parent exclusively for its duration (bounded by lock_timeout, retried next round).
    private const string MoveSql = """
        LOCK TABLE {0} IN ACCESS EXCLUSIVE MODE;
        INSERT INTO {1} SELECT * FROM {0}_default WHERE time >= '{2}' AND time < '{3}';
        DELETE FROM {0}_default WHERE time >= '{2}' AND time < '{3}';
        """;

    private const string HasStragglersSql = "SELECT EXISTS (SELECT 1 FROM {0}_default WHERE time >= '{1}' AND time < '{2}')";

    private const string ExistsSql = "SELECT to_regclass($1) IS NOT NULL";

    private async Task CreateAsync(NpgsqlConnection connection, string table, DateOnly day, CancellationToken ct)
    {
        var name = PartitionName(table, day);
        await using (var exists = new NpgsqlCommand(ExistsSql, connection) { Parameters = { new() { Value = name } } })
        {
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return;
            }
        }
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        bool hasStragglers;
        await using (var stragglers = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, HasStragglersSql, table, from, to), connection))
        {
            hasStragglers = (bool)(await stragglers.ExecuteScalarAsync(ct))!;
        }
        var move = hasStragglers ? string.Format(CultureInfo.InvariantCulture, MoveSql, table, name, from, to) : "";
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var create = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, CreateSql, table, name, from, to, move), connection, transaction);
            await create.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Created partition {Partition}", name);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.CheckViolation)
        {
            // Busy, made by another process, or rows for the day reached the default partition since
            // the look: the next round settles it.
            await transaction.RollbackAsync(ct);
            logger.LogDebug("Partition {Partition} not created now: {Reason}", name, e.MessageText);
        }
    }

    private const string OldPartitionsSql = """
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = $1 AND c.relname ~ '_[0-9]{8}$'
        """;

    private async Task DropBeforeAsync(NpgsqlConnection connection, string table, DateOnly keepFrom, CancellationToken ct)
    {
        List<string> old = [];
        await using (var list = new NpgsqlCommand(OldPartitionsSql, connection) { Parameters = { new() { Value = table } } })
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var name = reader.GetString(0);
                if (DateOnly.ParseExact(name[^8..], "yyyyMMdd", CultureInfo.InvariantCulture) < keepFrom)
                {
                    old.Add(name);
                }
            }
        }
        foreach (var name in old)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {name}", connection);
            await drop.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Dropped partition {Partition} (past retention)", name);
        }
        await using var stragglers = new NpgsqlCommand($"DELETE FROM {table}_default WHERE time < $1", connection)
        {
            Parameters = { new() { Value = keepFrom.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) } },
        };
        await stragglers.ExecuteNonQueryAsync(ct);
    }

    private const string DeleteRecordsSql = """
        DELETE FROM access_minute WHERE minute < $1;
        DELETE FROM access_hour WHERE hour < $1;
        DELETE FROM access_hour_leaders WHERE hour < $1;
        DELETE FROM access_host_minute WHERE minute < $1;
        DELETE FROM memory_samples WHERE time < $1;
        DELETE FROM host_events WHERE time < $1;
        DELETE FROM rejected_lines WHERE received_at < $1;
        DELETE FROM rejected_counts WHERE day < $1;
        """;

    private static async Task DeleteRecordsBeforeAsync(NpgsqlConnection connection, DateOnly keepFrom, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in DeleteRecordsSql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement) { Parameters = { new() { Value = keepFrom.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) } } });
        }
        await batch.ExecuteNonQueryAsync(ct);
    }
}
