using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Ingest.Apache;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;

namespace Dashboard.Server.Ingest.Loki;

/// <summary>
/// One Loki JSON push, <c>{"streams":[{"stream":{labels},"values":[["&lt;unix ns&gt;","&lt;line&gt;"], …]}]}</c>,
/// fed through the native endpoints' batches: each stream's lines go to the access, syslog or meminfo
/// batch its labels choose (<see cref="LokiLabels"/>), all in the request's one transaction.
/// </summary>
/// <remarks>
/// Entries are numbered from 1 across the whole push (stream after stream): that number is the "line"
/// of a rejected entry. A Loki timestamp is when the shipper read the line, not when it was logged: an
/// access line keeps its own <c>%t</c>; an RFC 3164 line takes only its year from it (the latest year
/// that does not put the line after it), in the stream's zone. A line may be the raw text, a JSON
/// string of it (Fluent Bit's <c>drop_single_key on</c>), or a JSON object whose <c>log</c>,
/// <c>message</c> or <c>MESSAGE</c> holds it (Fluent Bit's default <c>line_format json</c>; journald
/// export objects for syslog). A meminfo stream's entries of one timestamp are one /proc/meminfo text.
/// </remarks>
internal static class LokiPush
{
    /// <summary>The whole push is parsed at once: past this (decoded), 413. Shippers send a few MB.</summary>
    public const long MaxPushBytes = 64L * 1024 * 1024;

    private const string MalformedEntry = "entry is not [\"<unix ns>\", \"<line>\"]";

    public static async Task IngestAsync(IngestBatch batch, IBatchCheckpoint checkpoint, Stream body, LogFormat format, TimeZoneInfo hostZone, CancellationToken ct)
    {
        using var document = await JsonDocument.ParseAsync(new CappedReadStream(body, MaxPushBytes), default, ct);
        var streams = ReadStreams(document.RootElement, batch, hostZone);
        var receivedAt = new DateTimeOffset(batch.Times.ReceivedAtUtc);

        foreach (var group in streams.Where(s => s.Kind == LokiStreamKind.Access).GroupBy(s => s.Zone))
        {
            using var access = new AccessLines(batch, checkpoint, format, group.Key);
            foreach (var stream in group)
            {
                await FeedAsync(stream, access, (number, line, _) => access.AddLine(number, line), ct);
            }
        }

        var syslogStreams = streams.Where(s => s.Kind == LokiStreamKind.Syslog).ToList();
        if (syslogStreams.Count > 0)
        {
            using var syslog = new SyslogLines(batch, checkpoint, new SyslogDefaults(hostZone, null, receivedAt));
            foreach (var stream in syslogStreams)
            {
                await FeedAsync(stream, syslog, (number, line, time) =>
                {
                    syslog.Defaults = new SyslogDefaults(stream.Zone, null, new DateTimeOffset(time));
                    syslog.AddLine(number, line);
                }, ct, beforeRecord: time => syslog.Defaults = new SyslogDefaults(stream.Zone, null, new DateTimeOffset(time)));
            }
        }

        var meminfoStreams = streams.Where(s => s.Kind == LokiStreamKind.Meminfo).ToList();
        if (meminfoStreams.Count > 0)
        {
            using var meminfo = new MeminfoSamples(batch, checkpoint, batch.Times.ReceivedAtUtc);
            foreach (var stream in meminfoStreams)
            {
                await FeedMeminfoAsync(stream, meminfo, ct);
            }
        }
    }

    private sealed record LokiStream(JsonElement Values, int FirstNumber, LokiStreamKind Kind, TimeZoneInfo Zone);

    /// <summary>The streams to store; the entries of streams that cannot be stored are rejected here.</summary>
    private static List<LokiStream> ReadStreams(JsonElement root, IngestBatch batch, TimeZoneInfo hostZone)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
        {
            throw new UnacceptableBodyException(StatusCodes.Status400BadRequest, "not a Loki push body: no \"streams\" array");
        }
        List<LokiStream> kept = [];
        var number = 0;
        foreach (var stream in streams.EnumerateArray())
        {
            if (stream.ValueKind != JsonValueKind.Object || !stream.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
            {
                throw new UnacceptableBodyException(StatusCodes.Status400BadRequest, "not a Loki push body: a stream has no \"values\" array");
            }
            var first = number + 1;
            number += values.GetArrayLength();
            string? rejection = null;
            if (ReadLabels(stream) is { } labels
                && LokiLabels.TryRead(labels, batch.Host, hostZone, out var kind, out var zone, out rejection))
            {
                kept.Add(new LokiStream(values, first, kind, zone));
                continue;
            }
            rejection ??= $"a label {JsonText.UnpairedSurrogate}";
            batch.Refuse(rejection);
            var entryNumber = first;
            foreach (var entry in values.EnumerateArray())
            {
                batch.Reject(entryNumber++, rejection,
                    TryReadEntry(entry, out _, out var line, out _) ? line : entry.GetRawText());
            }
        }
        return kept;
    }

    /// <summary>The stream's labels; null when a name or value is not text (<see cref="JsonText"/>).</summary>
    private static Dictionary<string, string>? ReadLabels(JsonElement stream)
    {
        Dictionary<string, string> labels = new(StringComparer.Ordinal);
        if (stream.TryGetProperty("stream", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in map.EnumerateObject())
            {
                if (!JsonText.TryGetName(label, out var name) || JsonText.IsUnreadableString(label.Value))
                {
                    return null;
                }
                labels[name] = JsonText.TryGetString(label.Value, out var value) ? value : label.Value.GetRawText();
            }
        }
        return labels;
    }

    private static async Task FeedAsync(LokiStream stream, BodyParser parser,
        Action<int, string, DateTime> addLine, CancellationToken ct, Action<DateTime>? beforeRecord = null)
    {
        var number = stream.FirstNumber;
        foreach (var entry in stream.Values.EnumerateArray())
        {
            var entryNumber = number++;
            if (!TryReadEntry(entry, out var time, out var line, out var entryError))
            {
                parser.Batch.Reject(entryNumber, entryError, entry.GetRawText());
            }
            else if (line.Length > LineReader.MaxLineBytes)
            {
                parser.Batch.Reject(entryNumber, $"line is longer than {LineReader.MaxLineBytes} bytes", line);
            }
            else if (TryReadJsonLine(line, out var text, out var record))
            {
                if (record is { } r)
                {
                    beforeRecord?.Invoke(time);
                    using (r)
                    {
                        parser.OnRecord(entryNumber, r.RootElement);
                    }
                }
                else
                {
                    addLine(entryNumber, text!, time);
                }
            }
            else
            {
                addLine(entryNumber, line.TrimEnd('\n', '\r'), time);
            }
            if (parser.NeedsCheckpoint)
            {
                await parser.CheckpointAsync(ct);
            }
        }
    }

    // Entries of one timestamp are the lines of one /proc/meminfo text (a shipper sends one entry per
    // line, or the whole text in one); a JSON object is a sample of the native JSON form.
    private static async Task FeedMeminfoAsync(LokiStream stream, MeminfoSamples meminfo, CancellationToken ct)
    {
        var number = stream.FirstNumber;
        var text = new StringBuilder();
        var textNumber = 0;
        var textTime = DateTime.MinValue;
        void Flush()
        {
            if (text.Length > 0)
            {
                meminfo.AddText(textNumber, text.ToString(), textTime);
                text.Clear();
            }
        }
        foreach (var entry in stream.Values.EnumerateArray())
        {
            var entryNumber = number++;
            if (!TryReadEntry(entry, out var time, out var line, out var entryError))
            {
                meminfo.Batch.Reject(entryNumber, entryError, entry.GetRawText());
                continue;
            }
            if (TryReadJsonLine(line, out var unquoted, out var record))
            {
                if (record is { } r)
                {
                    using (r)
                    {
                        meminfo.OnRecord(entryNumber, r.RootElement);
                    }
                    continue;
                }
                line = unquoted!;
            }
            if (text.Length > 0 && time != textTime)
            {
                Flush();
            }
            if (text.Length == 0)
            {
                textNumber = entryNumber;
                textTime = time;
            }
            if (text.Length + line.Length > MeminfoSamples.MaxTextBytes)
            {
                meminfo.Batch.Reject(entryNumber, $"a meminfo text is larger than {MeminfoSamples.MaxTextBytes} bytes", line);
                continue;
            }
            text.Append(line).Append('\n');
            if (meminfo.NeedsCheckpoint)
            {
                await meminfo.CheckpointAsync(ct);
            }
        }
        Flush();
    }

    /// <summary><c>["1439782293000000000", "line"]</c>, optionally followed by structured metadata (ignored).</summary>
    private static bool TryReadEntry(JsonElement entry, out DateTime timeUtc, out string line, [NotNullWhen(false)] out string? error)
    {
        timeUtc = default;
        line = "";
        error = MalformedEntry;
        if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() < 2)
        {
            return false;
        }
        var timestamp = entry[0];
        var text = entry[1];
        if (text.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        long nanoseconds = 0;
        var parsed = JsonText.TryGetString(timestamp, out var timestampText)
            ? long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out nanoseconds)
            : timestamp.ValueKind == JsonValueKind.Number && timestamp.TryGetInt64(out nanoseconds);
        // Loki's range: after the epoch and before year 2262, where int64 nanoseconds end.
        if (!parsed || nanoseconds <= 0)
        {
            return false;
        }
        if (!JsonText.TryGetString(text, out var lineText))
        {
            error = $"the line {JsonText.UnpairedSurrogate}";
            return false;
        }
        timeUtc = DateTime.UnixEpoch.AddTicks(nanoseconds / 100);
        line = SafeText.Clean(lineText);
        error = null;
        return true;
    }

    /// <summary>A line that is a JSON string (<paramref name="text"/>) or a JSON object (<paramref name="record"/>, to dispose).</summary>
    private static bool TryReadJsonLine(string line, out string? text, out JsonDocument? record)
    {
        text = null;
        record = null;
        var trimmed = line.AsSpan().Trim();
        if (trimmed.IsEmpty || (trimmed[0] != '{' && trimmed[0] != '"'))
        {
            return false;
        }
        try
        {
            var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                record = document;
                return true;
            }
            if (JsonText.TryGetString(document.RootElement, out var quoted))
            {
                text = SafeText.Clean(quoted).TrimEnd('\n', '\r');
                document.Dispose();
                return true;
            }
            document.Dispose();
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
