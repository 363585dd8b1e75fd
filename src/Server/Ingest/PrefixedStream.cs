namespace Dashboard.Server.Ingest;

/// <summary>A read-only stream that replays bytes already read from the stream it wraps.</summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream inner) : ReadOnlyForwardStream
{
    private int _prefixOffset;

    /// <summary>Reads until the first non-whitespace byte (or the end) and returns it with a stream that still starts at the beginning.</summary>
    public static async Task<(int FirstByte, Stream Stream)> PeekFirstNonWhitespaceAsync(Stream inner, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = await inner.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0)
            {
                return (-1, new PrefixedStream(buffer, length, inner));
            }
            var start = length;
            length += read;
            var index = buffer.AsSpan(start, read).IndexOfAnyExcept(" \t\r\n"u8);
            if (index >= 0)
            {
                return (buffer[start + index], new PrefixedStream(buffer, length, inner));
            }
            length = 0;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixOffset < prefixLength)
        {
            return CopyPrefix(buffer);
        }
        return inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixOffset < prefixLength)
        {
            return ValueTask.FromResult(CopyPrefix(buffer.Span));
        }
        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int CopyPrefix(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, prefixLength - _prefixOffset);
        prefix.AsSpan(_prefixOffset, n).CopyTo(destination);
        _prefixOffset += n;
        return n;
    }
}
