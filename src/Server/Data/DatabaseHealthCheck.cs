using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Dashboard.Server.Data;

/// <summary>Healthy when PostgreSQL answers a query: without it the server can neither ingest nor read.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (DatabaseFailures.IsDatabaseFailure(e))
        {
            return HealthCheckResult.Unhealthy("the database does not answer");
        }
    }
}
