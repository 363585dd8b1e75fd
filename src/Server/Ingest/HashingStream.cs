using System.IO.Hashing;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Hashes a decoded body as it is read, so that a request that reuses an Idempotency-Key can be told apart
/// from a retry of the same body. XxHash128: only the host's own token can send under its keys, so a
/// collision someone crafted would only confuse that host's own retries.
/// </summary>
internal sealed class HashingStream(Stream inner) : ReadOnlyForwardStream
{
    private readonly XxHash128 _hash = new();

    public byte[] Hash => _hash.GetCurrentHash();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _hash.Append(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _hash.Append(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads the rest of the body (what its parser did not need), so that the hash covers all of it.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, ct) > 0)
        {
        }
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
