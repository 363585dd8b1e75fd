using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest;

using Dashboard.Shared;

namespace Dashboard.Server.Demo;

/// <summary>
/// Ships the demo the way a host ships its logs: POSTs to /api/v1/ingest/{access,syslog,meminfo} with
/// host hoge's ingest token, through whatever <see cref="HttpClient"/> it is given (the server's own
/// loopback address, or a test server's client).
/// </summary>
internal sealed class DemoLoader(HttpClient client, string ingestToken)
{
    private const int MaxAttempts = 5;

    /// <summary>An ingest token for host hoge, created with the host if it does not exist yet.</summary>
    public static async Task<IssuedToken> IssueIngestTokenAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<HostRegistry>();
        var (token, _) = await registry.AddIngestTokenAsync(DemoIncident.HostName, ct);
        if (token is null)
        {
            (_, token, var error) = await registry.AddHostAsync(DemoIncident.HostName, DemoIncident.TimeZoneId, DemoIncident.LogFormat, ct);
            return token ?? throw new InvalidOperationException($"the demo host could not be added: {error}");
        }
        return token;
    }

    /// <summary>The demo's token has done its job: it must not linger as a way in.</summary>
    public static async Task RevokeAsync(IServiceProvider services, IssuedToken token)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HostRegistry>().RevokeTokenAsync(token.Id, CancellationToken.None);
    }

    /// <summary>Sends every batch now, in order.</summary>
    public async Task<DemoLoadResult> LoadAsync(IEnumerable<DemoBatch> batches, CancellationToken ct)
    {
        var total = new DemoLoadResult(0, 0);
        foreach (var batch in batches)
        {
            total += await PostAsync(batch, ct);
        }
        return total;
    }

    /// <summary>Sends each batch once it is due by <paramref name="clock"/>, until all are sent or <paramref name="ct"/> is cancelled.</summary>
    public async Task<DemoLoadResult> ReplayAsync(IEnumerable<DemoBatch> batches, TimeProvider clock, CancellationToken ct)
    {
        var total = new DemoLoadResult(0, 0);
        foreach (var batch in batches.OrderBy(b => b.Due))
        {
            var wait = batch.Due - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, ct);
            }
            total += await PostAsync(batch, ct);
        }
        return total;
    }

    private async Task<DemoLoadResult> PostAsync(DemoBatch batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = Request(batch);
            using var response = await client.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < MaxAttempts)
            {
                // Saturated or the database is away: what any shipper does, wait as told and send the same batch again.
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"POST {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}", null, response.StatusCode);
            }
            var result = await response.Content.ReadFromJsonAsync<IngestResult>(ct)
                ?? throw new HttpRequestException($"POST {request.RequestUri} answered 200 without a body");
            return new DemoLoadResult(result.Accepted, result.Rejected);
        }
    }

    private HttpRequestMessage Request(DemoBatch batch)
    {
        var (path, contentType) = batch.Stream switch
        {
            DemoStream.Access => ("/api/v1/ingest/access", "text/plain"),
            DemoStream.Syslog => ("/api/v1/ingest/syslog", "text/plain"),
            _ => ("/api/v1/ingest/meminfo", "application/x-ndjson"),
        };
        var body = new StringBuilder();
        foreach (var line in batch.Lines)
        {
            body.Append(line).Append('\n');
        }
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8, contentType),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
        request.Headers.Add("Idempotency-Key", batch.Key);
        switch (batch.Stream)
        {
            case DemoStream.Access:
                request.Headers.Add("X-Log-Format", DemoIncident.LogFormat);
                break;
            case DemoStream.Syslog:
                request.Headers.Add("X-Log-Timezone", DemoIncident.TimeZoneId);
                request.Headers.Add("X-Log-Year", batch.Year!.Value.ToString(CultureInfo.InvariantCulture));
                break;
        }
        return request;
    }
}

/// <summary>Lines (or samples) the server accepted and rejected.</summary>
internal readonly record struct DemoLoadResult(int Accepted, int Rejected)
{
    public static DemoLoadResult operator +(DemoLoadResult a, DemoLoadResult b) => new(a.Accepted + b.Accepted, a.Rejected + b.Rejected);
}
