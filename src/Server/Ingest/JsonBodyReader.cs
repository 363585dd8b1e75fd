using System.Text.Json;

namespace Dashboard.Server.Ingest;

/// <summary>Receives the objects of a JSON or ndjson body, numbered from 1.</summary>
internal interface IRecordSink
{
    void OnRecord(int number, JsonElement record);

    void OnBadRecord(int number, string reason, ReadOnlySpan<byte> raw);
}

/// <summary>Streams JSON bodies: an object, several top-level objects, an array of them, or ndjson.</summary>
internal static class JsonBodyReader
{
    /// <summary>A syntax error anywhere makes the whole body undecodable (<see cref="JsonException"/>).</summary>
    public static async Task ReadJsonAsync(Stream body, IRecordSink sink, IBatchCheckpoint? checkpoint, CancellationToken ct)
    {
        var (first, stream) = await PrefixedStream.PeekFirstNonWhitespaceAsync(body, ct);
        var number = 0;
        var items = first == '['
            ? JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: ct)
            : JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: true, cancellationToken: ct);
        await foreach (var item in items)
        {
            sink.OnRecord(++number, item);
            if (checkpoint is { NeedsCheckpoint: true })
            {
                await checkpoint.CheckpointAsync(ct);
            }
        }
    }

    /// <summary>One JSON value per line: a malformed line is rejected on its own.</summary>
    public static Task ReadNdjsonAsync(Stream body, IRecordSink sink, IBatchCheckpoint? checkpoint, CancellationToken ct) =>
        LineReader.ReadAsync(body, new NdjsonLines(sink), checkpoint, ct);

    private sealed class NdjsonLines(IRecordSink sink) : IByteLineSink
    {
        public void OnLine(int number, ReadOnlySpan<byte> line)
        {
            if (line.Trim(" \t"u8).IsEmpty)
            {
                return;
            }
            JsonDocument document;
            try
            {
                var reader = new Utf8JsonReader(line);
                document = JsonDocument.ParseValue(ref reader);
            }
            catch (JsonException)
            {
                sink.OnBadRecord(number, "not a JSON value", line);
                return;
            }
            using (document)
            {
                sink.OnRecord(number, document.RootElement);
            }
        }

        public void OnOversizedLine(int number, ReadOnlySpan<byte> head) =>
            sink.OnBadRecord(number, $"line is longer than {LineReader.MaxLineBytes} bytes", head);
    }
}
