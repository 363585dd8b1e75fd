using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Hosts;

/// <summary>
/// Slows password guessing down without locking the operator out for long: failed sign-ins are counted
/// per address and per account (login_failures, shared by every server); past a few free ones, each
/// further failure makes that address or account wait 1, 2, 4 … seconds, up to 15 minutes for an
/// address and a minute for an account (so that someone guessing from elsewhere delays the real
/// operator by a minute at most). While it waits, attempts are answered 429 with Retry-After without
/// checking the password. A success clears both; failures are forgotten after an hour of none.
/// </summary>
internal sealed class LoginThrottle(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly Rule Address = new("address:", FreeFailures: 5, MaxWait: TimeSpan.FromMinutes(15));
    private static readonly Rule Account = new("account:", FreeFailures: 10, MaxWait: TimeSpan.FromMinutes(1));
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private sealed record Rule(string Prefix, int FreeFailures, TimeSpan MaxWait);

    private const string WaitSql = "SELECT max(blocked_until) FROM login_failures WHERE key = ANY($1) AND blocked_until > $2";

    /// <summary>How long this address, or this account, must still wait before its next attempt (zero: none).</summary>
    public async Task<TimeSpan> WaitAsync(string address, string? account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var command = dataSource.CreateCommand(WaitSql);
        command.Parameters.Add(new() { Value = Keys(address, account), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteScalarAsync(ct) is DateTime until ? until - now : TimeSpan.Zero;
    }

    // Counts the failure, and sets how long the key must wait before its next attempt.
    private const string FailSql = """
        INSERT INTO login_failures AS f (key, failures, last_failure_at) VALUES ($1, 1, $2)
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN f.last_failure_at < $2 - $3 THEN 1 ELSE f.failures + 1 END,
            last_failure_at = $2
        RETURNING failures
        """;

    private const string BlockSql = "UPDATE login_failures SET blocked_until = $2 WHERE key = $1";

    private const string ForgetSql = "DELETE FROM login_failures WHERE last_failure_at < $1";

    /// <param name="account">The operator whose password was wrong, when there is one by that name.</param>
    public async Task FailedAsync(string address, string? account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await FailAsync(Address, address, now, ct);
        if (account is not null)
        {
            await FailAsync(Account, account, now, ct);
        }
        await using var forget = dataSource.CreateCommand(ForgetSql);
        forget.Parameters.Add(new() { Value = now - ForgetAfter, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await forget.ExecuteNonQueryAsync(ct);
    }

    private async Task FailAsync(Rule rule, string subject, DateTime now, CancellationToken ct)
    {
        var key = rule.Prefix + subject;
        int failures;
        await using (var fail = dataSource.CreateCommand(FailSql))
        {
            fail.Parameters.Add(new() { Value = key });
            fail.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            fail.Parameters.Add(new() { Value = ForgetAfter });
            failures = (int)(await fail.ExecuteScalarAsync(ct))!;
        }
        var beyond = failures - rule.FreeFailures;
        if (beyond <= 0)
        {
            return;
        }
        var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, beyond - 1), rule.MaxWait.TotalSeconds));
        await using var block = dataSource.CreateCommand(BlockSql);
        block.Parameters.Add(new() { Value = key });
        block.Parameters.Add(new() { Value = now + wait, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await block.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The right password: this address and account start afresh.</summary>
    public async Task SucceededAsync(string address, string account, CancellationToken ct)
    {
        await using var clear = dataSource.CreateCommand("DELETE FROM login_failures WHERE key = ANY($1)");
        clear.Parameters.Add(new() { Value = Keys(address, account), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await clear.ExecuteNonQueryAsync(ct);
    }

    private static string[] Keys(string address, string? account) =>
        account is null ? [Address.Prefix + address] : [Address.Prefix + address, Account.Prefix + account];
}
