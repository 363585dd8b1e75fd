using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Hosts;

/// <summary>
/// Operators' sessions kept in PostgreSQL (operator_sessions): the cookie holds only a random key, so a
/// session ends for every server at once when it is signed out, its operator gets a new password or is
/// removed, or it has been idle or alive too long (<see cref="AuthOptions"/>). Only the key's SHA-256 is
/// stored, as for tokens.
/// </summary>
internal sealed class OperatorSessionStore(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AuthOptions> options) : ITicketStore
{
    // Activity is written at most this often: a page load makes several API calls.
    private static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    private const string StoreSql = """
        INSERT INTO operator_sessions (key_hash, operator_id, created_at, last_seen_at, ticket)
        SELECT $1, id, $2, $2, $3 FROM operators WHERE name = $4
        """;

    private const string ExpireSql = "DELETE FROM operator_sessions WHERE last_seen_at < $1 OR created_at < $2";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(ExpireSql, now - options.Value.SessionIdleTimeout, now - options.Value.SessionLifetime));
        batch.BatchCommands.Add(Command(StoreSql, Hash(key), now, TicketSerializer.Default.Serialize(ticket), ticket.Principal.Identity?.Name ?? ""));
        await batch.ExecuteNonQueryAsync();
        return key;
    }

    private const string RetrieveSql = "SELECT ticket, created_at, last_seen_at FROM operator_sessions WHERE key_hash = $1";

    private const string SeenSql = "UPDATE operator_sessions SET last_seen_at = $2 WHERE key_hash = $1";

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var hash = Hash(key);
        byte[] ticket;
        DateTime created, lastSeen;
        await using (var command = dataSource.CreateCommand(RetrieveSql))
        {
            command.Parameters.Add(new() { Value = hash });
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }
            ticket = reader.GetFieldValue<byte[]>(0);
            created = reader.GetFieldValue<DateTime>(1);
            lastSeen = reader.GetFieldValue<DateTime>(2);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - lastSeen > options.Value.SessionIdleTimeout || now - created > options.Value.SessionLifetime)
        {
            await RemoveAsync(key);
            return null;
        }
        if (now - lastSeen > SeenResolution)
        {
            await using var seen = dataSource.CreateCommand(SeenSql);
            seen.Parameters.Add(new() { Value = hash });
            seen.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await seen.ExecuteNonQueryAsync();
        }
        return TicketSerializer.Default.Deserialize(ticket);
    }

    private const string RenewSql = "UPDATE operator_sessions SET ticket = $2, last_seen_at = $3 WHERE key_hash = $1";

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.Add(new() { Value = Hash(key) });
        command.Parameters.Add(new() { Value = TicketSerializer.Default.Serialize(ticket) });
        command.Parameters.Add(new() { Value = clock.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveAsync(string key)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM operator_sessions WHERE key_hash = $1");
        command.Parameters.Add(new() { Value = Hash(key) });
        await command.ExecuteNonQueryAsync();
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is DateTime time ? new NpgsqlParameter { Value = time, NpgsqlDbType = NpgsqlDbType.TimestampTz } : new NpgsqlParameter { Value = value });
        }
        return command;
    }
}

/// <summary>Puts <see cref="OperatorSessionStore"/> behind the cookie, and sizes the cookie to the idle timeout.</summary>
internal sealed class ConfigureSessionCookie(OperatorSessionStore store, IOptions<AuthOptions> options) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions cookie)
    {
        cookie.SessionStore = store;
        cookie.ExpireTimeSpan = options.Value.SessionIdleTimeout;
        cookie.SlidingExpiration = true;
    }
}
