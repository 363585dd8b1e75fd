using System.IO.Compression;

namespace Dashboard.Server.Ingest;

/// <summary>
/// A Brotli-encoded body. .NET's decoder reports a corrupt stream with InvalidOperationException, where
/// the gzip and deflate decoders throw InvalidDataException: here it is the latter, the body's fault (400).
/// </summary>
internal sealed class BrotliBody(Stream encoded) : ReadOnlyForwardStream
{
    private readonly BrotliStream _decoder = new(encoded, CompressionMode.Decompress, leaveOpen: true);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _decoder.Read(buffer);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _decoder.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
        }
        base.Dispose(disposing);
    }
}
