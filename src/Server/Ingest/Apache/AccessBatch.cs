using System.Buffers;
using System.Net;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Streams an access-log body into access_log: each line is parsed and written to a binary COPY as
/// it arrives, and counted into the batch's rollups, which are upserted once the COPY completes.
/// </summary>
internal sealed class AccessBatch : IByteLineSink, IRecordSink, IDisposable
{
    private const string CopySql = """
        COPY access_log (host_id, time, id, client_ip, remote_user, method, path, protocol, status, bytes,
                         referer, user_agent, response_time_us, vhost, extra) FROM STDIN (FORMAT BINARY)
        """;

    private readonly IngestSession _session;
    private readonly NpgsqlBinaryImporter _importer;
    private readonly LogFormat _format;
    private readonly AccessLineParser _parser;
    private readonly AccessRollups _rollups = new();
    private readonly StringPool _strings = new();
    private readonly Dictionary<string, IPAddress> _addresses = new(StringComparer.Ordinal);
    private readonly char[] _decoded = ArrayPool<char>.Shared.Rent(SafeText.MaxCharCount(LineReader.MaxLineBytes));

    private AccessBatch(IngestSession session, NpgsqlBinaryImporter importer, LogFormat format, TimeZoneInfo zone)
    {
        _session = session;
        _importer = importer;
        _format = format;
        _parser = format.CreateParser(zone);
    }

    /// <param name="zone">Where the host's clock is: a format whose time has no UTC offset logs local time.</param>
    public static async Task<AccessBatch> StartAsync(IngestSession session, LogFormat format, TimeZoneInfo zone, CancellationToken ct) =>
        new(session, await session.Connection.BeginBinaryImportAsync(CopySql, ct), format, zone);

    public void OnLine(int number, ReadOnlySpan<byte> line) => AddLine(number, SafeText.Decode(line, _decoded));

    public void OnOversizedLine(int number, ReadOnlySpan<byte> head) =>
        _session.Reject(number, $"line is longer than {LineReader.MaxLineBytes} bytes", SafeText.Decode(head, _decoded));

    public void OnRecord(int number, JsonElement record)
    {
        if (JsonEnvelope.TryGetMessage(record, out var message, out var error))
        {
            AddLine(number, message);
        }
        else
        {
            _session.Reject(number, error, record.GetRawText());
        }
    }

    public void OnBadRecord(int number, string reason, ReadOnlySpan<byte> raw) =>
        _session.Reject(number, reason, SafeText.Decode(raw, _decoded));

    private void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (!_parser.TryParse(line, out var entry, out var error))
        {
            _session.Reject(number, error, line);
            return;
        }
        var ip = Address(entry.ClientIp);
        var importer = _importer;
        importer.StartRow();
        importer.Write(_session.Host.Id, NpgsqlDbType.Integer);
        importer.Write(entry.TimeUtc, NpgsqlDbType.TimestampTz);
        importer.Write(_session.RowId(number), NpgsqlDbType.Bigint);
        importer.Write(ip, NpgsqlDbType.Inet);
        WritePooled(entry.RemoteUser);
        WritePooled(entry.Method);
        WriteText(entry.Path);
        WritePooled(entry.Protocol);
        WriteNumber(entry.Status, NpgsqlDbType.Smallint);
        WriteNumber(entry.Bytes, NpgsqlDbType.Bigint);
        WritePooled(entry.Referer);
        WritePooled(entry.UserAgent);
        WriteNumber(entry.ResponseTimeMicros, NpgsqlDbType.Bigint);
        WritePooled(entry.VirtualHost);
        WriteExtra(entry);
        _session.Accept(entry.TimeUtc);
        _rollups.Add(entry.TimeUtc, ip, entry.Status, entry.Bytes, entry.Method.SequenceEqual("HEAD"));
    }

    private IPAddress Address(ReadOnlySpan<char> text)
    {
        var lookup = _addresses.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(text, out var address))
        {
            // The parser has validated the literal; Parse cannot fail here. A server listening on an
            // IPv6 socket may log IPv4 clients as ::ffff:a.b.c.d: one client is one address.
            address = IPAddress.Parse(text);
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            lookup[text] = address;
        }
        return address;
    }

    private void WritePooled(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            _importer.WriteNull();
        }
        else
        {
            _importer.Write(_strings.Get(value), NpgsqlDbType.Text);
        }
    }

    private void WriteText(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            _importer.WriteNull();
        }
        else
        {
            _importer.Write(value.ToString(), NpgsqlDbType.Text);
        }
    }

    private void WriteNumber(long value, NpgsqlDbType type)
    {
        if (value < 0)
        {
            _importer.WriteNull();
        }
        else if (type == NpgsqlDbType.Smallint)
        {
            _importer.Write((short)value, type);
        }
        else
        {
            _importer.Write(value, type);
        }
    }

    private void WriteExtra(in AccessLine entry)
    {
        var names = _format.ExtraFieldNames;
        var ranges = entry.ExtraRanges;
        // Most extras are "-" on most lines (%l always is): no empty object per row.
        var any = false;
        foreach (var range in ranges)
        {
            any |= range.End.Value > range.Start.Value;
        }
        if (!any)
        {
            _importer.WriteNull();
            return;
        }
        var extra = new Dictionary<string, string>(names.Count);
        for (var i = 0; i < names.Count && i < ranges.Length; i++)
        {
            var value = entry.ExtraSource[ranges[i]];
            if (!value.IsEmpty)
            {
                extra[names[i]] = value.ToString();
            }
        }
        _importer.Write(JsonSerializer.Serialize(extra), NpgsqlDbType.Jsonb);
    }

    /// <summary>Completes the COPY and upserts the rollups, inside the session's transaction.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        await _importer.CompleteAsync(ct);
        await _importer.DisposeAsync();
        await _rollups.UpsertAsync(_session.Connection, _session.Host.Id, ct);
    }

    public void Dispose()
    {
        _importer.Dispose();
        ArrayPool<char>.Shared.Return(_decoded);
    }
}
