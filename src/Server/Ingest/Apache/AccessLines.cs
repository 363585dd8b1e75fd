using System.Net;
using System.Text.Json;
using Dashboard.Server.Detection;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Access-log lines into their batch: each line is parsed with the request's log format, encoded as an
/// access_log row and counted into the batch's rollups.
/// </summary>
internal sealed class AccessLines(IngestBatch batch, IBatchCheckpoint checkpoint, LogFormat format, TimeZoneInfo zone)
    : BodyParser(batch, checkpoint)
{
    private readonly AccessLineParser _parser = format.CreateParser(zone);
    private readonly Dictionary<string, IPAddress> _addresses = new(StringComparer.Ordinal);

    public override void OnRecord(int number, JsonElement record)
    {
        if (JsonEnvelope.TryGetMessage(record, out var message, out var error))
        {
            AddLine(number, message);
        }
        else
        {
            RejectRecord(number, error, record);
        }
    }

    public override void AddLine(int number, ReadOnlySpan<char> line)
    {
        if (!_parser.TryParse(line, out var entry, out var error))
        {
            Batch.Reject(number, error, line);
            return;
        }
        if (!Batch.Times.Contain(entry.TimeUtc))
        {
            Batch.Reject(number, AcceptedTimes.Reason, line);
            return;
        }
        // "-" (no status logged) is negative and stored as NULL.
        if (entry.Status is >= 0 and (< 100 or > 599))
        {
            Batch.Reject(number, "the status is not an HTTP status (100 to 599)", line);
            return;
        }
        var ip = Address(entry.ClientIp);
        var row = Batch.AccessRows;
        row.StartRow();
        row.WriteInt32(Batch.Host.Id);
        row.WriteTimestamp(entry.TimeUtc);
        row.WriteInt64(Batch.RowIds.Next());
        row.WriteInet(ip);
        WriteText(row, entry.RemoteUser);
        WriteText(row, entry.Method);
        WriteText(row, entry.Path);
        WriteText(row, entry.Protocol);
        if (entry.Status < 0)
        {
            row.WriteNull();
        }
        else
        {
            row.WriteInt16((short)entry.Status);
        }
        WriteNumber(row, entry.Bytes);
        WriteText(row, entry.Referer);
        WriteText(row, entry.UserAgent);
        WriteNumber(row, entry.ResponseTimeMicros);
        WriteText(row, entry.VirtualHost);
        WriteExtra(row, entry);
        Batch.Accept(entry.TimeUtc);
        Batch.Rollups.Add(entry.TimeUtc, ip, entry.Status, entry.Bytes, entry.Method.SequenceEqual("HEAD"), entry.UserAgent.IsEmpty, Shapes(entry));
    }

    private readonly List<short> _shapes = [];

    /// <summary>The request shapes the line has (most lines: none).</summary>
    private List<short>? Shapes(in AccessLine entry)
    {
        _shapes.Clear();
        foreach (var shape in RequestShapes.All)
        {
            if (shape.Matches(entry))
            {
                _shapes.Add(shape.Id);
            }
        }
        return _shapes.Count == 0 ? null : _shapes;
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
    private static void WriteText(CopyRows row, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            row.WriteNull();
        }
        else
        {
            row.WriteText(value);
        }
    }

    /// <summary>Negative means the format does not log it, stored as NULL.</summary>
    private static void WriteNumber(CopyRows row, long value)
    {
        if (value < 0)
        {
            row.WriteNull();
        }
        else
        {
            row.WriteInt64(value);
        }
    }

    private void WriteExtra(CopyRows row, in AccessLine entry)
    {
        var names = format.ExtraFieldNames;
        var ranges = entry.ExtraRanges;
        // Most extras are "-" on most lines (%l always is): no empty object per row.
        var any = false;
        foreach (var range in ranges)
        {
            any |= range.End.Value > range.Start.Value;
        }
        if (!any)
        {
            row.WriteNull();
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
        row.WriteJsonb(JsonSerializer.Serialize(extra));
    }
}
