using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, written straight into a raw COPY stream. Npgsql's binary
/// importer resolves a type and goes through a parameter for every value, which costs more than
/// parsing the line did; here a field goes from the parsed span to the wire as UTF-8 in one step.
/// The format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format).
/// </summary>
internal sealed class BinaryCopyWriter : IDisposable
{
    private const int BufferSize = 256 * 1024;
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly NpgsqlRawCopyStream _stream;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _length;
    private bool _completed;

    private BinaryCopyWriter(NpgsqlRawCopyStream stream)
    {
        _stream = stream;
        Signature.CopyTo(_buffer, 0);
        // Flags, then the length of the header extension: both zero.
        _length = Signature.Length + 8;
        _buffer.AsSpan(Signature.Length, 8).Clear();
    }

    /// <param name="copySql">A <c>COPY table (columns) FROM STDIN (FORMAT BINARY)</c> statement.</param>
    public static async Task<BinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string copySql, CancellationToken ct) =>
        new(await connection.BeginRawBinaryCopyAsync(copySql, ct));

    public void StartRow(short fieldCount)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fieldCount);
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
        if (maxBytes + 4 > BufferSize)
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

    private void WriteLargeUtf8(ReadOnlySpan<char> text, byte? prefix)
    {
        var bytes = Utf8.GetBytes(text.ToArray());
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), bytes.Length + (prefix is null ? 0 : 1));
        if (prefix is { } p)
        {
            Reserve(1)[0] = p;
        }
        Flush();
        _stream.Write(bytes);
    }

    /// <summary>Ends the COPY: PostgreSQL has every row once this returns (within the caller's transaction).</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
        _completed = true;
        await _stream.DisposeAsync();
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > BufferSize)
        {
            Flush();
        }
        var span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _length);
        _length = 0;
    }

    public void Dispose()
    {
        if (!_completed)
        {
            // A batch that failed midway: abort the COPY so the connection is left usable.
            try
            {
                _stream.Cancel();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // The connection is broken or the COPY already ended; the transaction rolls back either way.
            }
            _stream.Dispose();
        }
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
