using System.Collections.Concurrent;
using System.Net;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Faults;

/// <summary>
/// A shipper as aid-ship behaves: each batch under an Idempotency-Key of its own, sent again (the same
/// body under the same key) after a 503 or a failed connection, until it is answered 200. Any other
/// answer fails the test, and every status seen is kept.
/// </summary>
public sealed class RetryingShipper(HttpClient client)
{
    public ConcurrentBag<HttpStatusCode> Statuses { get; } = [];

    public int Retries => Statuses.Count(s => s != HttpStatusCode.OK);

    public async Task<IngestAnswer> SendAsync(string endpoint, Func<HttpContent> body, string key)
    {
        var deadline = DateTime.UtcNow + Wait.Timeout;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ingest/{endpoint}") { Content = body() };
            request.Headers.Add("Idempotency-Key", key);
            HttpStatusCode status;
            try
            {
                using var response = await client.SendAsync(request);
                status = response.StatusCode;
                Statuses.Add(status);
                if (status == HttpStatusCode.OK)
                {
                    return await IngestAnswer.ReadAsync(response);
                }
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{key}: {(int)status} {await response.Content.ReadAsStringAsync()}");
                Assert.NotNull(response.Headers.RetryAfter);
            }
            catch (HttpRequestException)
            {
                // The server went away mid-request: the shipper cannot know whether the batch was stored.
            }
            Assert.True(DateTime.UtcNow < deadline, $"{key} was never answered 200");
            await Task.Delay(50);
        }
    }
}
