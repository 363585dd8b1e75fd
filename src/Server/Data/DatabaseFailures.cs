using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
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

/// <summary>
/// Answers 503 + Retry-After, never 500, when any endpoint finds the database unavailable; and 400 when
/// PostgreSQL refused a value the request carried (a check that missed it is a bug to fix, but the client
/// still learns its request cannot succeed).
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        int status;
        ProblemDetails details;
        if (DatabaseFailures.IsClientData(exception))
        {
            logger.LogWarning("PostgreSQL refused a value of a request to {Path} ({Error})", context.Request.Path, ((PostgresException)exception).SqlState);
            status = StatusCodes.Status400BadRequest;
            details = new ProblemDetails { Status = status, Title = "The request holds a value that cannot be stored or compared" };
        }
        else if (DatabaseFailures.IsDatabaseFailure(exception))
        {
            logger.LogWarning(exception, "The database failed during {Path}; answering 503", context.Request.Path);
            status = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = DatabaseFailures.RetryAfterSeconds;
            details = new ProblemDetails { Status = status, Title = "The database is unavailable", Detail = "Retry later." };
        }
        else
        {
            return false;
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details });
    }
}
