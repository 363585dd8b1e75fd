using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Streams an access-log body into access_log: each line is parsed and written to a binary COPY as
/// it arrives, and counted into the batch's rollups, which are upserted once the COPY completes.
/// </summary>
internal sealed class AccessBatch : IByteLineSink, IRecordSink, IBatchCheckpoint, IDisposable
{
    private const string CopySql = """
        COPY access_log (host_id, time, id, client_ip, remote_user, method, path, protocol, status, bytes,
                         referer, user_agent, response_time_us, vhost, extra) FROM STDIN (FORMAT BINARY)
        """;

    private readonly IngestSession _session;
    private const short ColumnCount = 15;

    /// <summary>Rollup entries (distinct minute and address) held before a checkpoint stores them: ~15 MB.</summary>
    private const int MaxRollupsInMemory = 100_000;

    private BinaryCopyWriter _copy;
    private readonly LogFormat _format;
    private readonly AccessLineParser _parser;
    private readonly AccessRollups _rollups = new();
    private readonly Dictionary<string, IPAddress> _addresses = new(StringComparer.Ordinal);
    private readonly char[] _decoded = ArrayPool<char>.Shared.Rent(SafeText.MaxCharCount(LineReader.MaxLineBytes));

    private AccessBatch(IngestSession session, BinaryCopyWriter copy, LogFormat format, TimeZoneInfo zone)
    {
        _session = session;
        _copy = copy;
        _format = format;
        _parser = format.CreateParser(zone);
    }

    /// <param name="zone">Where the host's clock is: a format whose time has no UTC offset logs local time.</param>
    public static async Task<AccessBatch> StartAsync(IngestSession session, LogFormat format, TimeZoneInfo zone, CancellationToken ct) =>
        new(session, await BinaryCopyWriter.BeginAsync(session.Connection, CopySql, ct), format, zone);

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

    /// <summary>One access-log line, already decoded (a Loki entry's line).</summary>
    public void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (!_parser.TryParse(line, out var entry, out var error))
        {
            _session.Reject(number, error, line);
            return;
        }
        if (!_session.Times.Contain(entry.TimeUtc))
        {
            _session.Reject(number, AcceptedTimes.Reason, line);
            return;
        }
        // "-" (no status logged) is negative and stored as NULL.
        if (entry.Status is >= 0 and (< 100 or > 599))
        {
            _session.Reject(number, "the status is not an HTTP status (100 to 599)", line);
            return;
        }
        var ip = Address(entry.ClientIp);
        var copy = _copy;
        copy.StartRow(ColumnCount);
        copy.WriteInt32(_session.Host.Id);
        copy.WriteTimestamp(entry.TimeUtc);
        copy.WriteInt64(_session.RowId(number));
        copy.WriteInet(ip);
        WriteText(entry.RemoteUser);
        WriteText(entry.Method);
        WriteText(entry.Path);
        WriteText(entry.Protocol);
        if (entry.Status < 0)
        {
            copy.WriteNull();
        }
        else
        {
            copy.WriteInt16((short)entry.Status);
        }
        WriteNumber(entry.Bytes);
        WriteText(entry.Referer);
        WriteText(entry.UserAgent);
        WriteNumber(entry.ResponseTimeMicros);
        WriteText(entry.VirtualHost);
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

    /// <summary>Empty means the log had no value ("-"), stored as NULL.</summary>
    private void WriteText(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            _copy.WriteNull();
        }
        else
        {
            _copy.WriteText(value);
        }
    }

    /// <summary>Negative means the format does not log it, stored as NULL.</summary>
    private void WriteNumber(long value)
    {
        if (value < 0)
        {
            _copy.WriteNull();
        }
        else
        {
            _copy.WriteInt64(value);
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
            _copy.WriteNull();
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
        _copy.WriteJsonb(JsonSerializer.Serialize(extra));
    }

    /// <summary>Completes the COPY and upserts the rollups, inside the session's transaction.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        await _copy.CompleteAsync(ct);
        await _rollups.UpsertAsync(_session.Connection, _session.Host.Id, ct);
    }

    public bool NeedsCheckpoint => _rollups.Count >= MaxRollupsInMemory || _session.RejectedNeedStoring;

    /// <summary>Ends the COPY, stores the rollups and rejected lines so far, and opens a new COPY: same transaction.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await FinishAsync(ct);
        _rollups.Clear();
        await _session.StoreRejectedAsync(ct);
        _copy.Dispose();
        _copy = await BinaryCopyWriter.BeginAsync(_session.Connection, CopySql, ct);
    }

    public void Dispose()
    {
        _copy.Dispose();
        ArrayPool<char>.Shared.Return(_decoded);
    }
}
