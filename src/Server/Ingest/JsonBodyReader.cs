using System.Text.Json;

namespace Dashboard.Server.Ingest;

/// <summary>Streams JSON bodies: an object, several top-level objects, or an array of them (ndjson: <see cref="BodyParser"/>).</summary>
internal static class JsonBodyReader
{
    /// <summary>A syntax error anywhere makes the whole body undecodable (<see cref="JsonException"/>).</summary>
    public static async Task ReadJsonAsync(Stream body, BodyParser sink, CancellationToken ct)
    {
        var (first, stream) = await PrefixedStream.PeekFirstNonWhitespaceAsync(body, ct);
        var number = 0;
        var items = first == '['
            ? JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: ct)
            : JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: true, cancellationToken: ct);
        await foreach (var item in items)
        {
            sink.OnRecord(++number, item);
            if (sink.NeedsCheckpoint)
            {
                await sink.CheckpointAsync(ct);
            }
        }
    }
}
