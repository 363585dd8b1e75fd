using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Rows of one table in PostgreSQL's binary COPY format, encoded as they are parsed into pooled chunks
/// and sent later by <see cref="WriteAsync"/> (the request has then been received whole, or it is large
/// and streamed). Npgsql's binary importer resolves a type and goes through a parameter for every value,
/// which costs more than parsing the line did; here a field goes from the parsed span to UTF-8 in one step.
/// The format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format).
/// </summary>
internal sealed class CopyRows(CopyTable table) : IDisposable
{
    public const int ChunkSize = 256 * 1024;
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly List<Chunk> _sealed = [];
    private byte[]? _current;
    private int _length;

    private readonly record struct Chunk(byte[] Array, int Length, bool Pooled);

    public CopyTable Table { get; } = table;

    public int Rows { get; private set; }

    /// <summary>Bytes of rows held, not sent yet.</summary>
    public long HeldBytes => _sealedBytes + _length;

    private long _sealedBytes;

    /// <summary>Chunks that are full and can be sent while more rows are encoded.</summary>
    public bool HasFullChunks => _sealed.Count > 0;

    public void StartRow()
    {
        Rows++;
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), Table.ColumnCount);
    }

    public void WriteNull() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    public void WriteInt16(short value)
    {
        var span = Reserve(6);
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
    }

    public void WriteInt32(int value)
    {
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
    }

    public void WriteInt64(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    /// <summary>A timestamptz: microseconds since 2000-01-01 UTC.</summary>
    public void WriteTimestamp(DateTime utc) => WriteInt64((utc.Ticks - PostgresEpochTicks) / 10);

    /// <summary>An inet: family (2 = IPv4, 3 = IPv6), prefix bits, is-cidr, address length, address.</summary>
    public void WriteInet(IPAddress address)
    {
        var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        var size = isV4 ? 4 : 16;
        var span = Reserve(8 + size);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + size);
        span[4] = isV4 ? (byte)2 : (byte)3;
        span[5] = (byte)(size * 8);
        span[6] = 0;
        span[7] = (byte)size;
        address.TryWriteBytes(span[8..], out _);
    }

    /// <summary>A text value, encoded as UTF-8 (a lone surrogate becomes U+FFFD; callers keep NUL out).</summary>
    public void WriteText(ReadOnlySpan<char> text) => WriteUtf8(text, prefix: null);

    /// <summary>A jsonb value: format version 1, then the JSON text.</summary>
    public void WriteJsonb(ReadOnlySpan<char> json) => WriteUtf8(json, prefix: 1);

    private void WriteUtf8(ReadOnlySpan<char> text, byte? prefix)
    {
        var extra = prefix is null ? 0 : 1;
        var maxBytes = Utf8.GetMaxByteCount(text.Length) + extra;
        if (maxBytes + 4 > ChunkSize)
        {
            WriteLargeUtf8(text, prefix);
            return;
        }
        var span = Reserve(4 + maxBytes);
        if (prefix is { } p)
        {
            span[4] = p;
        }
        var written = Utf8.GetBytes(text, span[(4 + extra)..]) + extra;
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        // Reserve took the worst case; give back what UTF-8 did not need.
        _length -= maxBytes - written;
    }

    // A value larger than a chunk (a journal message of megabytes) gets a chunk of its own.
    private void WriteLargeUtf8(ReadOnlySpan<char> text, byte? prefix)
    {
        var extra = prefix is null ? 0 : 1;
        var value = new byte[4 + extra + Utf8.GetByteCount(text)];
        BinaryPrimitives.WriteInt32BigEndian(value, value.Length - 4);
        if (prefix is { } p)
        {
            value[4] = p;
        }
        Utf8.GetBytes(text, value.AsSpan(4 + extra));
        Seal();
        _sealed.Add(new Chunk(value, value.Length, Pooled: false));
        _sealedBytes += value.Length;
    }

    /// <summary>Sends every row held so far into <paramref name="copy"/> (a COPY of <see cref="Table"/> begun by <see cref="BeginAsync"/>).</summary>
    public async Task WriteAsync(NpgsqlRawCopyStream copy, CancellationToken ct)
    {
        await WriteFullChunksAsync(copy, ct);
        if (_current is not null && _length > 0)
        {
            await copy.WriteAsync(_current.AsMemory(0, _length), ct);
            _length = 0;
        }
    }

    /// <summary>Sends the chunks that are full, keeping the one being filled.</summary>
    public async Task WriteFullChunksAsync(NpgsqlRawCopyStream copy, CancellationToken ct)
    {
        foreach (var chunk in _sealed)
        {
            await copy.WriteAsync(chunk.Array.AsMemory(0, chunk.Length), ct);
            Release(chunk);
        }
        _sealed.Clear();
        _sealedBytes = 0;
    }

    /// <summary>Begins a COPY of <paramref name="table"/> and sends the header of the binary format.</summary>
    public static async Task<NpgsqlRawCopyStream> BeginAsync(NpgsqlConnection connection, CopyTable table, CancellationToken ct)
    {
        var copy = await connection.BeginRawBinaryCopyAsync(table.CopySql, ct);
        // The signature, then flags and the length of the header extension: both zero.
        var header = new byte[Signature.Length + 8];
        Signature.CopyTo(header, 0);
        await copy.WriteAsync(header, ct);
        return copy;
    }

    /// <summary>Ends a COPY begun by <see cref="BeginAsync"/>: PostgreSQL has every row once this returns (within the caller's transaction).</summary>
    public static async Task CompleteAsync(NpgsqlRawCopyStream copy, CancellationToken ct)
    {
        await copy.WriteAsync(new byte[] { 0xFF, 0xFF }, ct);
        await copy.DisposeAsync();
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_current is null || _length + bytes > ChunkSize)
        {
            Seal();
            _current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        }
        var span = _current.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }

    private void Seal()
    {
        if (_current is null)
        {
            return;
        }
        if (_length > 0)
        {
            _sealed.Add(new Chunk(_current, _length, Pooled: true));
            _sealedBytes += _length;
        }
        else
        {
            ArrayPool<byte>.Shared.Return(_current);
        }
        _current = null;
        _length = 0;
    }

    private static void Release(Chunk chunk)
    {
        if (chunk.Pooled)
        {
            ArrayPool<byte>.Shared.Return(chunk.Array);
        }
    }

    public void Dispose()
    {
        foreach (var chunk in _sealed)
        {
            Release(chunk);
        }
        _sealed.Clear();
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }
    }
}

/// <summary>A table rows are copied into: its COPY statement and how many columns a row has.</summary>
internal sealed record CopyTable(string CopySql, short ColumnCount);
