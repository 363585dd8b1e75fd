using System.Text;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Memory;

/// <summary>Memory samples into their batch: a /proc/meminfo text (one sample, at <paramref name="textTimeUtc"/>) or JSON samples.</summary>
internal sealed class MeminfoSamples(IngestBatch batch, IBatchCheckpoint checkpoint, DateTime textTimeUtc) : BodyParser(batch, checkpoint)
{
    /// <summary>A /proc/meminfo text is a few kB; anything far larger is not one.</summary>
    public const int MaxTextBytes = 1024 * 1024;

    private readonly StringBuilder _text = new();

    /// <summary>A line of a /proc/meminfo text body: the text is read as one sample when the body ends.</summary>
    public override void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (_text.Length + line.Length >= MaxTextBytes)
        {
            throw new UnacceptableBodyException(StatusCodes.Status413PayloadTooLarge, $"a meminfo text is larger than {MaxTextBytes} bytes");
        }
        _text.Append(line).Append('\n');
    }

    public override void Finish()
    {
        if (_text.Length > 0)
        {
            AddText(1, _text.ToString(), textTimeUtc);
            _text.Clear();
        }
    }

    /// <summary>A whole /proc/meminfo text (the body's, or the lines of a Loki stream that share a timestamp).</summary>
    public void AddText(int number, string text, DateTime sampleTimeUtc)
    {
        if (MeminfoParser.TryParse(text, sampleTimeUtc, out var sample, out var error) && (error = TimeError(sample)) is null)
        {
            Add(sample);
        }
        else
        {
            Batch.Reject(number, error, SafeText.Clean(text));
        }
    }

    public override void OnRecord(int number, JsonElement record)
    {
        if (MeminfoParser.TryParseJson(record, Batch.Times.ReceivedAtUtc, out var sample, out var error) && (error = TimeError(sample)) is null)
        {
            Add(sample);
        }
        else
        {
            RejectRecord(number, error, record);
        }
    }

    private string? TimeError(MemorySample sample) => Batch.Times.Contain(sample.TimeUtc) ? null : AcceptedTimes.Reason;

    private void Add(MemorySample sample) => Batch.Accept(sample);

    /// <summary>A /proc text of a few kB, whole: past <see cref="MaxTextBytes"/> it is not one (413).</summary>
    public static async Task<string> ReadSmallTextAsync(Stream body, string what, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxTextBytes)
            {
                throw new UnacceptableBodyException(StatusCodes.Status413PayloadTooLarge, $"{what} is larger than {MaxTextBytes} bytes");
            }
        }
        return new UTF8Encoding(false, false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
