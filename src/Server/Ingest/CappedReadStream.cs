namespace Dashboard.Server.Ingest;

/// <summary>Stops a decompression bomb: reading past the cap fails the request with 413.</summary>
internal sealed class CappedReadStream(Stream inner, long maxBytes) : ReadOnlyForwardStream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    private int Count(int read)
    {
        _read += read;
        if (_read > maxBytes)
        {
            throw new UnacceptableBodyException(StatusCodes.Status413PayloadTooLarge, $"decoded body is larger than {maxBytes} bytes");
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
