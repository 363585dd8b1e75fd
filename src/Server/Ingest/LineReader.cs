using System.Buffers;
using System.IO.Pipelines;

namespace Dashboard.Server.Ingest;

/// <summary>Receives a body's lines as raw bytes, numbered from 1, without their line ending.</summary>
internal interface IByteLineSink
{
    void OnLine(int number, ReadOnlySpan<byte> line);

    /// <summary>A line longer than <see cref="LineReader.MaxLineBytes"/>; <paramref name="head"/> is its start.</summary>
    void OnOversizedLine(int number, ReadOnlySpan<byte> head);
}

/// <summary>Splits a streamed body into lines without buffering more than one line's worth of it.</summary>
internal static class LineReader
{
    public const int MaxLineBytes = 64 * 1024;

    /// <param name="checkpoint">Given a chance to store what it holds between reads of the body.</param>
    public static async Task ReadAsync(Stream body, IByteLineSink sink, IBatchCheckpoint? checkpoint, CancellationToken ct)
    {
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var state = new State();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var consumed = state.Consume(result.Buffer, result.IsCompleted, sink);
                reader.AdvanceTo(consumed, result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
                if (checkpoint is { NeedsCheckpoint: true })
                {
                    await checkpoint.CheckpointAsync(ct);
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private sealed class State
    {
        private int _lineNumber;
        private bool _skippingOversizedLine;

        public SequencePosition Consume(ReadOnlySequence<byte> buffer, bool isFinal, IByteLineSink sink)
        {
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                if (reader.TryReadTo(out ReadOnlySpan<byte> line, (byte)'\n'))
                {
                    if (_skippingOversizedLine)
                    {
                        _skippingOversizedLine = false;
                        continue;
                    }
                    Deliver(line, sink);
                    continue;
                }

                var rest = reader.UnreadSequence;
                if (_skippingOversizedLine)
                {
                    return buffer.End;
                }
                if (rest.Length > MaxLineBytes)
                {
                    _lineNumber++;
                    sink.OnOversizedLine(_lineNumber, rest.Slice(0, MaxLineBytes).ToArray());
                    _skippingOversizedLine = true;
                    return buffer.End;
                }
                if (isFinal && !rest.IsEmpty)
                {
                    // A body may end without a newline; its last line still counts.
                    Deliver(rest.IsSingleSegment ? rest.FirstSpan : rest.ToArray(), sink);
                    return buffer.End;
                }
                return reader.Position;
            }
        }

        private void Deliver(ReadOnlySpan<byte> line, IByteLineSink sink)
        {
            _lineNumber++;
            if (line.Length > MaxLineBytes)
            {
                sink.OnOversizedLine(_lineNumber, line[..MaxLineBytes]);
                return;
            }
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.IsEmpty)
            {
                return;
            }
            sink.OnLine(_lineNumber, line);
        }
    }
}
