using System.Net;
using System.Text.Json;
using Dashboard.Server.Stats;
using Dashboard.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Detection;

/// <summary>What narrows a list of alerts beyond the range and host: each is optional.</summary>
internal sealed record AlertFilter(string? Rule, string? Severity, bool? Firing, IPAddress? Ip);

/// <summary>The alerts whose time overlaps a range (a firing one reaches to now), newest first.</summary>
internal sealed class AlertQueries(NpgsqlDataSource dataSource)
{
    public const int MaxAlerts = 1000;

    private const string ListSql = """
        SELECT a.id, a.rule, a.severity, h.name, a.ip, a.starts_at, a.ends_at, a.summary, a.evidence
        FROM alerts a JOIN hosts h ON h.id = a.host_id
        WHERE a.starts_at < @to AND (a.ends_at IS NULL OR a.ends_at > @from)
          AND (@host::integer IS NULL OR a.host_id = @host)
          AND (@rule::text IS NULL OR a.rule = @rule)
          AND (@severity::text IS NULL OR a.severity = @severity)
          AND (@firing::boolean IS NULL OR (a.ends_at IS NULL) = @firing)
          AND (@ip::inet IS NULL OR a.ip = @ip)
        ORDER BY a.starts_at DESC, a.id DESC
        LIMIT @limit
        """;

    public async Task<List<AlertItem>> ListAsync(ReadRange range, AlertFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = range.From });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = range.To });
        command.Parameters.Add(new NpgsqlParameter("host", NpgsqlDbType.Integer) { Value = (object?)range.HostId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("rule", NpgsqlDbType.Text) { Value = (object?)filter.Rule ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("severity", NpgsqlDbType.Text) { Value = (object?)filter.Severity ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("firing", NpgsqlDbType.Boolean) { Value = (object?)filter.Firing ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("ip", NpgsqlDbType.Inet) { Value = (object?)filter.Ip ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", MaxAlerts);
        List<AlertItem> alerts = [];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            alerts.Add(new AlertItem(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<IPAddress>(4).ToString(),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(5)),
                reader.IsDBNull(6) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(6)),
                reader.GetString(7),
                JsonSerializer.Deserialize<AlertEvidence>(reader.GetString(8), JsonSerializerOptions.Web)!));
        }
        return alerts;
    }
}
