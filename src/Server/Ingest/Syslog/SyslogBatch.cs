using System.Buffers;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// Streams a syslog body into syslog_lines through a binary COPY, watching the messages for memory
/// events, which are stored once the COPY completes.
/// </summary>
internal sealed class SyslogBatch : IByteLineSink, IRecordSink, IDisposable
{
    private const string CopySql = """
        COPY syslog_lines (host_id, time, id, hostname, program, pid, facility, severity, message) FROM STDIN (FORMAT BINARY)
        """;

    private readonly IngestSession _session;
    private readonly NpgsqlBinaryImporter _importer;
    private readonly SyslogDefaults _defaults;
    private readonly MemoryEventDetector _detector = new();
    private readonly StringPool _strings = new(1024);
    private readonly char[] _decoded = ArrayPool<char>.Shared.Rent(SafeText.MaxCharCount(LineReader.MaxLineBytes));

    private SyslogBatch(IngestSession session, NpgsqlBinaryImporter importer, SyslogDefaults defaults)
    {
        _session = session;
        _importer = importer;
        _defaults = defaults;
    }

    public static async Task<SyslogBatch> StartAsync(IngestSession session, SyslogDefaults defaults, CancellationToken ct) =>
        new(session, await session.Connection.BeginBinaryImportAsync(CopySql, ct), defaults);

    public void OnLine(int number, ReadOnlySpan<byte> line) => AddLine(number, SafeText.Decode(line, _decoded));

    public void OnOversizedLine(int number, ReadOnlySpan<byte> head) =>
        _session.Reject(number, $"line is longer than {LineReader.MaxLineBytes} bytes", SafeText.Decode(head, _decoded));

    public void OnBadRecord(int number, string reason, ReadOnlySpan<byte> raw) =>
        _session.Reject(number, reason, SafeText.Decode(raw, _decoded));

    public void OnRecord(int number, JsonElement record)
    {
        if (record.ValueKind == JsonValueKind.Object && JournalEntryParser.IsJournalEntry(record))
        {
            if (JournalEntryParser.TryParse(record, out var message, out var journalError))
            {
                // JSON strings may hold NUL or lone surrogates, which PostgreSQL text refuses.
                Write(number, message with
                {
                    Hostname = message.Hostname is null ? null : SafeText.Clean(message.Hostname),
                    Program = message.Program is null ? null : SafeText.Clean(message.Program),
                    Message = SafeText.Clean(message.Message),
                });
            }
            else
            {
                _session.Reject(number, journalError, record.GetRawText());
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

    private void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (SyslogLineParser.TryParse(line, _defaults, out var message, out var error))
        {
            Write(number, message);
        }
        else
        {
            _session.Reject(number, error, line);
        }
    }

    private void Write(int number, SyslogMessage message)
    {
        _importer.StartRow();
        _importer.Write(_session.Host.Id, NpgsqlDbType.Integer);
        _importer.Write(message.TimeUtc, NpgsqlDbType.TimestampTz);
        _importer.Write(_session.RowId(number), NpgsqlDbType.Bigint);
        WriteText(message.Hostname is null ? null : _strings.Get(message.Hostname));
        WriteText(message.Program is null ? null : _strings.Get(message.Program));
        WriteNullable(message.Pid, NpgsqlDbType.Integer);
        WriteNullable<short>(message.Facility is { } facility ? (short)facility : null, NpgsqlDbType.Smallint);
        WriteNullable<short>(message.Severity is { } severity ? (short)severity : null, NpgsqlDbType.Smallint);
        _importer.Write(message.Message, NpgsqlDbType.Text);
        _session.Accept(message.TimeUtc);
        _detector.Add(message);
    }

    private void WriteText(string? value)
    {
        if (value is null)
        {
            _importer.WriteNull();
        }
        else
        {
            _importer.Write(value, NpgsqlDbType.Text);
        }
    }

    private void WriteNullable<T>(T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
        {
            _importer.Write(v, type);
        }
        else
        {
            _importer.WriteNull();
        }
    }

    public async Task FinishAsync(CancellationToken ct)
    {
        await _importer.CompleteAsync(ct);
        await _importer.DisposeAsync();
        await HostEventStore.SaveAsync(_session.Connection, _session.Host.Id, _detector.Finish(), ct);
    }

    public void Dispose()
    {
        _importer.Dispose();
        ArrayPool<char>.Shared.Return(_decoded);
    }
}
