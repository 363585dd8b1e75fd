using System.Net.Sockets;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>Failures that are the database's, not the request's: the client should retry later (503).</summary>
internal static class DatabaseFailures
{
    public static bool IsRetryable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 40: deadlock/serialization; 53: out of resources; 57P: shutting down; 08: connection.
                    return pg.SqlState.StartsWith("40", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
                case NpgsqlException when e.InnerException is null:
                    return true;
            }
        }
        return false;
    }
}
