using System.Text.Json;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// Syslog lines and journal records into their batch as syslog_lines rows, watched for memory events
/// (stored once the whole body is read: the lines of one kill may straddle two reads of it).
/// </summary>
internal sealed class SyslogLines(IngestBatch batch, IBatchCheckpoint checkpoint, SyslogDefaults defaults) : BodyParser(batch, checkpoint)
{
    /// <summary>What the next RFC 3164 lines are read with (a Loki push sets it per entry: zone label, ship time).</summary>
    public SyslogDefaults Defaults { get; set; } = defaults;

    public override void OnRecord(int number, JsonElement record)
    {
        if (record.ValueKind == JsonValueKind.Object && JournalEntryParser.IsJournalEntry(record))
        {
            if (!JournalEntryParser.TryParse(record, out var message, out var journalError))
            {
                RejectRecord(number, journalError, record);
            }
            else if (!Batch.Times.Contain(message.TimeUtc))
            {
                RejectRecord(number, AcceptedTimes.Reason, record);
            }
            else
            {
                // JSON strings may hold NUL, which PostgreSQL text refuses.
                Write(message with
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
            RejectRecord(number, error, record);
        }
    }

    public override void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (!SyslogLineParser.TryParse(line, Defaults, out var message, out var error))
        {
            Batch.Reject(number, error, line);
        }
        else if (!Batch.Times.Contain(message.TimeUtc))
        {
            Batch.Reject(number, AcceptedTimes.Reason, line);
        }
        else
        {
            Write(message);
        }
    }

    private void Write(SyslogMessage message)
    {
        var row = Batch.SyslogRows;
        row.StartRow();
        row.WriteInt32(Batch.Host.Id);
        row.WriteTimestamp(message.TimeUtc);
        row.WriteInt64(Batch.RowIds.Next());
        WriteText(row, message.Hostname);
        WriteText(row, message.Program);
        WriteNumber(row, message.Pid);
        WriteSmall(row, message.Facility);
        WriteSmall(row, message.Severity);
        row.WriteText(message.Message);
        Batch.Accept(message.TimeUtc);
        Batch.MemoryEvents.Add(message);
    }

    private static void WriteText(CopyRows row, string? value)
    {
        if (value is null)
        {
            row.WriteNull();
        }
        else
        {
            row.WriteText(value);
        }
    }

    private static void WriteNumber(CopyRows row, int? value)
    {
        if (value is { } v)
        {
            row.WriteInt32(v);
        }
        else
        {
            row.WriteNull();
        }
    }

    private static void WriteSmall(CopyRows row, int? value)
    {
        if (value is { } v)
        {
            row.WriteInt16((short)v);
        }
        else
        {
            row.WriteNull();
        }
    }
}
