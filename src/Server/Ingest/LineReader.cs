using System.Buffers;
using System.IO.Pipelines;

namespace Dashboard.Server.Ingest;

/// <summary>Splits a streamed body into lines without buffering more than one line's worth of it.</summary>
internal static class LineReader
{
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Feeds the body's lines to <paramref name="sink"/>, which may checkpoint between reads of the body.</summary>
    public static async Task ReadAsync(Stream body, BodyParser sink, CancellationToken ct)
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
                if (sink.NeedsCheckpoint)
                {
                    await sink.CheckpointAsync(ct);
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

        public SequencePosition Consume(ReadOnlySequence<byte> buffer, bool isFinal, BodyParser sink)
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

        private void Deliver(ReadOnlySpan<byte> line, BodyParser sink)
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
