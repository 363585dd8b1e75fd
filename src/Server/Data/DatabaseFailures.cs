using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>Which database failures are the request's fault, and which mean "try again later".</summary>
internal static class DatabaseFailures
{
    public const string RetryAfterSeconds = "5";

    /// <summary>
    /// A value the client sent that PostgreSQL cannot hold (class 22, "data exception"): sending it
    /// again can never succeed. Every other database failure — unreachable, restarting, out of
    /// connections, a deadlock — may pass, so the client is told to retry.
    /// </summary>
    public static bool IsClientData(Exception exception) =>
        exception is PostgresException pg && pg.SqlState.StartsWith("22", StringComparison.Ordinal);

    public static bool IsDatabaseFailure(Exception exception) =>
        !IsClientData(exception) && exception is NpgsqlException or TimeoutException or SocketException
            || exception.InnerException is { } inner && IsDatabaseFailure(inner);
}

/// <summary>Answers 503 + Retry-After, never 500, when any endpoint finds the database unavailable.</summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!DatabaseFailures.IsDatabaseFailure(exception))
        {
            return false;
        }
        logger.LogWarning(exception, "The database failed during {Path}; answering 503", context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = DatabaseFailures.RetryAfterSeconds;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "The database is unavailable", Detail = "Retry later." },
        });
    }
}
