using System.Net;
using System.Net.Http.Json;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>The 200 answer of an ingest endpoint, as a shipper reads it.</summary>
public sealed record IngestAnswer(int Accepted, int Rejected, IReadOnlyList<IngestAnswerError> Errors)
{
    public static async Task<IngestAnswer> ReadAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IngestAnswer>())!;
    }
}

public sealed record IngestAnswerError(int Line, string Reason);
