using System.Net.Http.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Detection;

/// <summary>Reads alerts once detection has looked at everything that landed.</summary>
public static class AlertsReading
{
    public static async Task<List<AlertItem>> CaughtUpAsync(DashboardApp app, string host, DateTimeOffset from, DateTimeOffset to)
    {
        await Wait.UntilAsync(async () => await Sql.CountAsync(app.ConnectionString, "SELECT count(*) FROM detection_queue") == 0,
            "detection has read every batch");
        using var reader = app.ClientWithToken(await app.AddReaderAsync($"alerts of {host} {Guid.NewGuid():N}"));
        return (await reader.GetFromJsonAsync<List<AlertItem>>(
            $"/api/v1/alerts?host={host}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"))!;
    }
}
