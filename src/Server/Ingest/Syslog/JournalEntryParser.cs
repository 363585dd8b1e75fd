using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// One object of <c>journalctl -o json</c> (journald's JSON export format). journalctl writes a field
/// that is not printable UTF-8 as an array of its bytes, and a field logged more than once as an array
/// of values; both are read here, for every field used. Journal records forwarded by Fluent Bit
/// (time in <c>date</c>) or Vector (<c>timestamp</c>, <c>message</c>) keep the journal's field names
/// and are read too.
/// </summary>
public static class JournalEntryParser
{
    private const long MaxTimestampMicroseconds = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
    private const long MinTimestampMicroseconds = 0; // 1970, Rfc3339.MinYear
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>A journal entry rather than a shipper's envelope around a log line.</summary>
    public static bool IsJournalEntry(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object
        && (entry.TryGetProperty("__REALTIME_TIMESTAMP", out _)
            || entry.TryGetProperty("_SOURCE_REALTIME_TIMESTAMP", out _)
            || (entry.TryGetProperty("_TRANSPORT", out _) && (entry.TryGetProperty("MESSAGE", out _) || entry.TryGetProperty("message", out _))));

    public static bool TryParse(JsonElement entry, out SyslogMessage message, [NotNullWhen(false)] out string? error)
    {
        message = default;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            error = "not a JSON object";
            return false;
        }
        foreach (var field in FieldsRead)
        {
            if (entry.TryGetProperty(field, out var value) && HoldsUnreadableString(value))
            {
                error = $"{field} {JsonText.UnpairedSurrogate}";
                return false;
            }
        }
        if (!TryGetTime(entry, out var timeUtc, out error))
        {
            return false;
        }
        if (!entry.TryGetProperty("MESSAGE", out var messageField) && !entry.TryGetProperty("message", out messageField))
        {
            error = "no MESSAGE";
            return false;
        }
        if (!TryGetText(messageField, out var text))
        {
            // journalctl prints null for a field larger than its limit unless run with --all.
            error = messageField.ValueKind == JsonValueKind.Null ? "MESSAGE is null (journalctl omits large fields without --all)" : "MESSAGE is neither text nor bytes";
            return false;
        }

        var program = IsKernel(entry) ? "kernel"
            : TryGetText(entry, "SYSLOG_IDENTIFIER", out var identifier) ? identifier
            : TryGetText(entry, "_COMM", out var command) ? command
            : null;
        message = new SyslogMessage(
            timeUtc,
            TryGetText(entry, "_HOSTNAME", out var hostname) ? hostname : null,
            program,
            GetNumber(entry, "_PID", 1, int.MaxValue) ?? GetNumber(entry, "SYSLOG_PID", 1, int.MaxValue),
            GetNumber(entry, "SYSLOG_FACILITY", 0, 23),
            GetNumber(entry, "PRIORITY", 0, 7),
            text.TrimEnd("\r\n").ToString());
        error = null;
        return true;
    }

    private static readonly string[] FieldsRead =
    [
        "__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP", "timestamp", "date", "MESSAGE", "message", "_TRANSPORT",
        "SYSLOG_IDENTIFIER", "_COMM", "_HOSTNAME", "_PID", "SYSLOG_PID", "SYSLOG_FACILITY", "PRIORITY",
    ];

    private static bool HoldsUnreadableString(JsonElement value) =>
        JsonText.IsUnreadableString(value) || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().Any(JsonText.IsUnreadableString));

    // __REALTIME_TIMESTAMP is when journald received the entry; every journalctl export has it.
    private static bool TryGetTime(JsonElement entry, out DateTime timeUtc, [NotNullWhen(false)] out string? error)
    {
        timeUtc = default;
        foreach (var field in (ReadOnlySpan<string>)["__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP"])
        {
            if (TryGetText(entry, field, out var text))
            {
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
                    || microseconds is < MinTimestampMicroseconds or > MaxTimestampMicroseconds)
                {
                    error = $"{field} is not microseconds since 1970";
                    return false;
                }
                timeUtc = DateTime.UnixEpoch.AddTicks(microseconds * 10);
                error = null;
                return true;
            }
        }
        // Shippers move the time into a field of their own: Vector "timestamp" (RFC 3339), Fluent Bit
        // "date" (epoch seconds, or ISO 8601 with json_date_format iso8601).
        foreach (var field in (ReadOnlySpan<string>)["timestamp", "date"])
        {
            if (!entry.TryGetProperty(field, out var value))
            {
                continue;
            }
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
                && seconds >= 0 && seconds * 1_000_000 <= MaxTimestampMicroseconds)
            {
                timeUtc = DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
                error = null;
                return true;
            }
            var text = JsonText.TryGetString(value, out var timeText) ? timeText.AsSpan() : [];
            if (Rfc3339.TryParse(text, out var local, out var offset, out var consumed) && consumed == text.Length
                && offset is { } o && Rfc3339.TryToUtc(local, o, out timeUtc))
            {
                error = null;
                return true;
            }
            error = $"{field} is not an RFC 3339 time or epoch seconds";
            return false;
        }
        error = "no __REALTIME_TIMESTAMP";
        return false;
    }

    private static bool IsKernel(JsonElement entry) => TryGetText(entry, "_TRANSPORT", out var transport) && transport == "kernel";

    private static int? GetNumber(JsonElement entry, string field, int min, int max) =>
        TryGetText(entry, field, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max ? value : null;

    private static bool TryGetText(JsonElement entry, string field, [NotNullWhen(true)] out string? text)
    {
        text = null;
        return entry.TryGetProperty(field, out var value) && TryGetText(value, out text) && text.Length > 0;
    }

    // A string; an array of bytes (not valid UTF-8, or not printable: decoded, bad bytes become U+FFFD);
    // or an array of such values (the field was logged more than once: they are joined by newlines).
    private static bool TryGetText(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        text = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return JsonText.TryGetString(value, out text);
            case JsonValueKind.Number:
                text = value.GetRawText();
                return true;
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                text = "";
                return true;
            case JsonValueKind.Array when value[0].ValueKind == JsonValueKind.Number:
                return TryDecodeBytes(value, out text);
            case JsonValueKind.Array:
                var parts = new List<string>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    string? part;
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        if (!JsonText.TryGetString(item, out part))
                        {
                            return false;
                        }
                    }
                    else if (item.ValueKind != JsonValueKind.Array || !TryDecodeBytes(item, out part))
                    {
                        return false;
                    }
                    parts.Add(part);
                }
                text = string.Join('\n', parts);
                return true;
            default:
                return false;
        }
    }

    private static bool TryDecodeBytes(JsonElement array, [NotNullWhen(true)] out string? text)
    {
        text = null;
        var bytes = new byte[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetByte(out bytes[i++]))
            {
                return false;
            }
        }
        text = Utf8.GetString(bytes);
        return true;
    }
}
