using System.Buffers;
using System.Text.Json;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Reads what a body holds, lines or JSON records, into its <see cref="IngestBatch"/>: one subclass per
/// kind of stream. The body readers (<see cref="LineReader"/>, <see cref="JsonBodyReader"/>, the Loki push)
/// feed it, and let it checkpoint between two reads of the body.
/// </summary>
internal abstract class BodyParser(IngestBatch batch, IBatchCheckpoint checkpoint) : IDisposable
{
    private readonly char[] _decoded = ArrayPool<char>.Shared.Rent(SafeText.MaxCharCount(LineReader.MaxLineBytes));
    private bool _linesAreJson;

    public IngestBatch Batch { get; } = batch;

    /// <summary>Reads a whole body: lines, an ndjson body's records, or a JSON body's.</summary>
    public Task ReadAsync(Stream body, BodyKind kind, CancellationToken ct)
    {
        _linesAreJson = kind == BodyKind.Ndjson;
        return kind == BodyKind.Json ? JsonBodyReader.ReadJsonAsync(body, this, ct) : LineReader.ReadAsync(body, this, ct);
    }

    /// <summary>One line of the body as sent (UTF-8; invalid bytes become U+FFFD), or one ndjson record.</summary>
    public void OnLine(int number, ReadOnlySpan<byte> line)
    {
        if (_linesAreJson)
        {
            OnJsonLine(number, line);
        }
        else
        {
            AddLine(number, SafeText.Decode(line, _decoded));
        }
    }

    /// <summary>A line longer than <see cref="LineReader.MaxLineBytes"/>; <paramref name="head"/> is its start.</summary>
    public void OnOversizedLine(int number, ReadOnlySpan<byte> head) =>
        Batch.Reject(number, $"line is longer than {LineReader.MaxLineBytes} bytes", SafeText.Decode(head, _decoded));

    /// <summary>One line, already decoded (from a body, a JSON envelope or a Loki entry).</summary>
    public abstract void AddLine(int number, ReadOnlySpan<char> line);

    /// <summary>One object of a JSON or ndjson body, numbered from 1.</summary>
    public abstract void OnRecord(int number, JsonElement record);

    /// <summary>The body has been read: completes what spans several lines or records.</summary>
    public virtual void Finish()
    {
    }

    public bool NeedsCheckpoint => checkpoint.NeedsCheckpoint;

    public Task CheckpointAsync(CancellationToken ct) => checkpoint.CheckpointAsync(ct);

    /// <summary>A record's raw JSON, for a rejected line.</summary>
    protected void RejectRecord(int number, string reason, JsonElement record) => Batch.Reject(number, reason, record.GetRawText());

    // One JSON value per line: a malformed line is rejected on its own.
    private void OnJsonLine(int number, ReadOnlySpan<byte> line)
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
            Batch.Reject(number, "not a JSON value", SafeText.Decode(line, _decoded));
            return;
        }
        using (document)
        {
            OnRecord(number, document.RootElement);
        }
    }

    public void Dispose() => ArrayPool<char>.Shared.Return(_decoded);
}
