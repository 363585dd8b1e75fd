using System.Globalization;
using System.Text.Json;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Detection;

/// <summary>Memory samples of a host with 4 GB of memory and 2 GB of swap, shipped in the JSON form.</summary>
public static class MemorySamples
{
    public const long MemTotalKb = 4_000_000;
    public const long SwapTotalKb = 2_000_000;

    public static async Task PostAsync(HttpClient client, IEnumerable<(DateTimeOffset Time, long AvailableKb, long SwapFreeKb)> samples)
    {
        foreach (var batch in samples.Chunk(1_000))
        {
            var body = JsonSerializer.Serialize(batch.Select(s => new
            {
                time = s.Time.ToString("O", CultureInfo.InvariantCulture),
                memTotalKb = MemTotalKb,
                memAvailableKb = Math.Max(0, s.AvailableKb),
                swapTotalKb = SwapTotalKb,
                swapFreeKb = Math.Max(0, s.SwapFreeKb),
            }));
            Assert.Equal(0, (await IngestAnswer.ReadAsync(await client.PostAsync(new Uri("/api/v1/ingest/meminfo", UriKind.Relative),
                HttpBodies.Text(body, "application/json")))).Rejected);
        }
    }
}
