using System.Buffers;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// Streams a syslog body into syslog_lines through a binary COPY, watching the messages for memory
/// events, which are stored once the COPY completes.
/// </summary>
internal sealed class SyslogBatch : IByteLineSink, IRecordSink, IBatchCheckpoint, IDisposable
{
    private const string CopySql = """
        COPY syslog_lines (host_id, time, id, hostname, program, pid, facility, severity, message) FROM STDIN (FORMAT BINARY)
        """;

    private readonly IngestSession _session;
    private const short ColumnCount = 9;


    private BinaryCopyWriter _copy;
    private readonly MemoryEventDetector _detector = new();
    private readonly char[] _decoded = ArrayPool<char>.Shared.Rent(SafeText.MaxCharCount(LineReader.MaxLineBytes));

    private SyslogBatch(IngestSession session, BinaryCopyWriter copy, SyslogDefaults defaults)
    {
        _session = session;
        _copy = copy;
        Defaults = defaults;
    }

    /// <summary>What the next RFC 3164 lines are read with (a Loki push sets it per entry: zone label, ship time).</summary>
    public SyslogDefaults Defaults { get; set; }

    public static async Task<SyslogBatch> StartAsync(IngestSession session, SyslogDefaults defaults, CancellationToken ct) =>
        new(session, await BinaryCopyWriter.BeginAsync(session.Connection, CopySql, ct), defaults);

    public void OnLine(int number, ReadOnlySpan<byte> line) => AddLine(number, SafeText.Decode(line, _decoded));

    public void OnOversizedLine(int number, ReadOnlySpan<byte> head) =>
        _session.Reject(number, $"line is longer than {LineReader.MaxLineBytes} bytes", SafeText.Decode(head, _decoded));

    public void OnBadRecord(int number, string reason, ReadOnlySpan<byte> raw) =>
        _session.Reject(number, reason, SafeText.Decode(raw, _decoded));

    public void OnRecord(int number, JsonElement record)
    {
        if (record.ValueKind == JsonValueKind.Object && JournalEntryParser.IsJournalEntry(record))
        {
            if (!JournalEntryParser.TryParse(record, out var message, out var journalError))
            {
                _session.Reject(number, journalError, record.GetRawText());
            }
            else if (!_session.Times.Contain(message.TimeUtc))
            {
                _session.Reject(number, AcceptedTimes.Reason, record.GetRawText());
            }
            else
            {
                // JSON strings may hold NUL, which PostgreSQL text refuses.
                Write(number, message with
                {
                    Hostname = message.Hostname is null ? null : SafeText.Clean(message.Hostname),
                    Program = message.Program is null ? null : SafeText.Clean(message.Program),
                    Message = SafeText.Clean(message.Message),
                });
            }
            return;
        }
        if (JsonEnvelope.TryGetMessage(record, out var line, out var error))
        {
            AddLine(number, line);
        }
        else
        {
            _session.Reject(number, error, record.GetRawText());
        }
    }

    /// <summary>One syslog line, already decoded (a Loki entry's line).</summary>
    public void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (SyslogLineParser.TryParse(line, Defaults, out var message, out var error))
        {
            if (_session.Times.Contain(message.TimeUtc))
            {
                Write(number, message);
            }
            else
            {
                _session.Reject(number, AcceptedTimes.Reason, line);
            }
        }
        else
        {
            _session.Reject(number, error, line);
        }
    }

    private void Write(int number, SyslogMessage message)
    {
        _copy.StartRow(ColumnCount);
        _copy.WriteInt32(_session.Host.Id);
        _copy.WriteTimestamp(message.TimeUtc);
        _copy.WriteInt64(_session.RowId(number));
        WriteText(message.Hostname);
        WriteText(message.Program);
        WriteNumber(message.Pid);
        WriteSmall(message.Facility);
        WriteSmall(message.Severity);
        _copy.WriteText(message.Message);
        _session.Accept(message.TimeUtc);
        _detector.Add(message);
    }

    private void WriteText(string? value)
    {
        if (value is null)
        {
            _copy.WriteNull();
        }
        else
        {
            _copy.WriteText(value);
        }
    }

    private void WriteNumber(int? value)
    {
        if (value is { } v)
        {
            _copy.WriteInt32(v);
        }
        else
        {
            _copy.WriteNull();
        }
    }

    private void WriteSmall(int? value)
    {
        if (value is { } v)
        {
            _copy.WriteInt16((short)v);
        }
        else
        {
            _copy.WriteNull();
        }
    }

    public async Task FinishAsync(CancellationToken ct)
    {
        await _copy.CompleteAsync(ct);
        await HostEventStore.SaveAsync(_session.Connection, _session.Host.Id, _detector.Finish(), ct);
    }

    public bool NeedsCheckpoint => _session.RejectedNeedStoring;

    /// <summary>Stores the rejected lines so far between two COPYs of the same transaction.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await _copy.CompleteAsync(ct);
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
