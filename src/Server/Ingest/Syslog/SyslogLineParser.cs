using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// One syslog line in any of the shapes hosts ship:
/// <list type="bullet">
/// <item>RFC 3164, with or without <c>&lt;PRI&gt;</c>: <c>&lt;6&gt;Aug 17 12:31:33 hoge kernel: …</c> and plain
/// <c>/var/log/messages</c> lines; the hostname may be missing (<c>Aug 17 12:31:33 kernel: …</c>).</item>
/// <item>RFC 5424: <c>&lt;165&gt;1 2003-10-11T22:14:15.003Z host app procid msgid [sd…] msg</c>.</item>
/// <item>rsyslog's high-precision file format: <c>2015-08-17T12:31:33.123456+09:00 hoge kernel: …</c>.</item>
/// </list>
/// RFC 3164 times have no year and no zone: they are read in <see cref="SyslogDefaults.TimeZone"/>, in
/// <see cref="SyslogDefaults.Year"/> or else the most recent year that does not put them after the receipt
/// (see <see cref="ResolveYear"/>). Errors are short and never quote the line.
/// </summary>
public static class SyslogLineParser
{
    /// <summary>A host's clock may run ahead of ours; a line up to this far "in the future" keeps the current year.</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromDays(1);

    private const int MaxTagLength = 128;
    private const int MaxPidLength = 32;
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static bool TryParse(ReadOnlySpan<char> line, SyslogDefaults defaults, out SyslogMessage message, [NotNullWhen(false)] out string? error)
    {
        message = default;
        if (defaults is null)
        {
            error = "no syslog defaults";
            return false;
        }
        // A body may start with a byte order mark; a line may end with CR (CRLF files).
        var rest = line.TrimStart('\uFEFF').TrimStart(" \t").TrimEnd("\r\n");
        if (rest.IsEmpty)
        {
            error = "empty line";
            return false;
        }

        int? facility = null, severity = null;
        var hasPri = rest[0] == '<';
        if (hasPri)
        {
            if (!TryParsePri(ref rest, out var pri))
            {
                error = "malformed <PRI>";
                return false;
            }
            facility = pri / 8;
            severity = pri % 8;
            if (IsVersion(rest))
            {
                return TryParseRfc5424(rest, defaults, facility, severity, out message, out error);
            }
        }
        return TryParseRfc3164(rest, hasPri, defaults, facility, severity, out message, out error);
    }

    private static bool TryParsePri(ref ReadOnlySpan<char> rest, out int pri)
    {
        pri = 0;
        var end = rest[1..].IndexOf('>') + 1;
        if (end is < 2 or > 4)
        {
            return false;
        }
        foreach (var c in rest[1..end])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            pri = (pri * 10) + (c - '0');
        }
        rest = rest[(end + 1)..];
        return pri <= 191;
    }

    // RFC 5424's VERSION: one to three digits and a space, where RFC 3164 has a month or a date.
    private static bool IsVersion(ReadOnlySpan<char> rest)
    {
        var digits = rest.IndexOfAnyExceptInRange('0', '9');
        return digits is >= 1 and <= 3 && rest[digits] == ' ';
    }

    private static bool TryParseRfc5424(ReadOnlySpan<char> rest, SyslogDefaults defaults, int? facility, int? severity,
        out SyslogMessage message, [NotNullWhen(false)] out string? error)
    {
        message = default;
        if (!rest.StartsWith("1 "))
        {
            error = "unsupported syslog protocol version";
            return false;
        }
        rest = rest[2..];

        DateTime timeUtc;
        if (rest.StartsWith("- ") || rest.SequenceEqual("-"))
        {
            // NILVALUE: the sender did not know the time, so the receipt time stands in (RFC 5424 §6.2.3).
            timeUtc = defaults.ReceivedAt.UtcDateTime;
            rest = rest[1..];
        }
        else
        {
            if (!Rfc3339.TryParse(rest, out var local, out var offset, out var consumed) || offset is null)
            {
                error = "malformed RFC 5424 timestamp";
                return false;
            }
            if (!Rfc3339.TryToUtc(local, offset.Value, out timeUtc))
            {
                error = "timestamp out of range";
                return false;
            }
            rest = rest[consumed..];
        }

        if (!TryNextField(ref rest, out var hostname) || !TryNextField(ref rest, out var appName)
            || !TryNextField(ref rest, out var procId) || !TryNextField(ref rest, out _))
        {
            error = "incomplete RFC 5424 header";
            return false;
        }
        if (!rest.StartsWith(' '))
        {
            error = "incomplete RFC 5424 header";
            return false;
        }
        rest = rest[1..];
        if (!TrySkipStructuredData(rest, out var sdLength))
        {
            error = "malformed structured data";
            return false;
        }
        var structuredData = rest[..sdLength];
        var text = rest[sdLength..];
        if (!text.IsEmpty && text[0] != ' ')
        {
            error = "malformed structured data";
            return false;
        }
        text = text.IsEmpty ? text : text[1..];
        // MSG may begin with a UTF-8 BOM to say it is UTF-8 (§6.4); it is not part of the text.
        text = text.TrimStart('\uFEFF');

        // Structured data stays in the stored message (before the text) so nothing the host sent is dropped.
        var stored = structuredData.SequenceEqual("-") ? text.ToString()
            : text.IsEmpty ? structuredData.ToString()
            : string.Concat(structuredData, " ", text);
        message = new SyslogMessage(timeUtc, Nil(hostname), Nil(appName), ParsePid(procId), facility, severity, stored);
        error = null;
        return true;
    }

    // One space-separated header field; the space before it is consumed.
    private static bool TryNextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        field = default;
        if (rest.Length < 2 || rest[0] != ' ' || rest[1] == ' ')
        {
            return false;
        }
        rest = rest[1..];
        var end = rest.IndexOf(' ');
        field = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..];
        return true;
    }

    private static string? Nil(ReadOnlySpan<char> field) => field.SequenceEqual("-") ? null : field.ToString();

    // STRUCTURED-DATA is "-" or elements "[id param=\"value\" …]"; inside a value \" \\ and \] are
    // escapes, and an unescaped ] is tolerated there (senders get the escaping wrong).
    private static bool TrySkipStructuredData(ReadOnlySpan<char> rest, out int length)
    {
        length = 0;
        if (rest.StartsWith('-'))
        {
            length = 1;
            return true;
        }
        var position = 0;
        while (position < rest.Length && rest[position] == '[')
        {
            position++;
            var quoted = false;
            var closed = false;
            while (position < rest.Length)
            {
                var c = rest[position++];
                if (quoted && c == '\\')
                {
                    position++;
                }
                else if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == ']')
                {
                    closed = true;
                    break;
                }
            }
            if (!closed)
            {
                return false;
            }
        }
        length = position;
        return position > 0;
    }

    private static bool TryParseRfc3164(ReadOnlySpan<char> rest, bool hasPri, SyslogDefaults defaults, int? facility, int? severity,
        out SyslogMessage message, [NotNullWhen(false)] out string? error)
    {
        message = default;
        DateTime timeUtc;
        var isoTimestamp = rest.Length > 4 && rest.IndexOfAnyExceptInRange('0', '9') == 4 && rest[4] == '-';
        if (isoTimestamp)
        {
            if (!Rfc3339.TryParse(rest, out var local, out var offset, out var consumed))
            {
                error = "malformed timestamp";
                return false;
            }
            // Without an offset the time is local to the host, like an RFC 3164 time.
            var converted = offset is { } o ? Rfc3339.TryToUtc(local, o, out timeUtc) : TryLocalToUtc(local, defaults.TimeZone, out timeUtc);
            if (!converted)
            {
                error = "timestamp out of range";
                return false;
            }
            rest = rest[consumed..];
        }
        else if (TryParseMonth(rest, out var month))
        {
            if (!TryParseBsdTimestamp(ref rest, month, defaults, out timeUtc, out error))
            {
                return false;
            }
        }
        else if (hasPri)
        {
            // RFC 3164 §4.3.3: a packet without a valid TIMESTAMP is all content, timed at receipt.
            rest = rest.TrimStart(' ');
            if (!TryParseTag(rest, out var tag, out var tagPid, out var content))
            {
                content = rest;
            }
            message = new SyslogMessage(defaults.ReceivedAt.UtcDateTime, null, tag, tagPid, facility, severity, content.ToString());
            error = null;
            return true;
        }
        else
        {
            error = "no syslog timestamp";
            return false;
        }

        if (!rest.IsEmpty && rest[0] != ' ')
        {
            error = "malformed timestamp";
            return false;
        }
        rest = rest.TrimStart(' ');

        string? hostname = null;
        // "Aug 17 12:31:33 kernel: …": local logging leaves the hostname out. A first word shaped like a
        // TAG ("name:" or "name[pid]:") is read as one, since a hostname has neither ':' at its end nor '['.
        if (!TryParseTag(rest, out var program, out var processId, out var text))
        {
            var end = rest.IndexOf(' ');
            hostname = end < 0 ? (rest.IsEmpty ? null : rest.ToString()) : rest[..end].ToString();
            rest = end < 0 ? [] : rest[end..].TrimStart(' ');
            if (!TryParseTag(rest, out program, out processId, out text)
                && !(isoTimestamp && TryParseProtocol23Remainder(rest, out program, out processId, out text)))
            {
                text = rest;
            }
        }
        message = new SyslogMessage(timeUtc, hostname, program, processId, facility, severity, text.ToString());
        error = null;
        return true;
    }

    // TAG: "name:" or "name[pid]:" followed by a space or the end of the line.
    private static bool TryParseTag(ReadOnlySpan<char> rest, [NotNullWhen(true)] out string? program, out int? pid, out ReadOnlySpan<char> text)
    {
        program = null;
        pid = null;
        text = default;
        var nameLength = rest.IndexOfAny(" :[]");
        if (nameLength is <= 0 or > MaxTagLength || rest[nameLength] is ' ' or ']')
        {
            return false;
        }
        var after = nameLength;
        if (rest[after] == '[')
        {
            var close = rest[after..].IndexOf(']');
            if (close is < 1 or > MaxPidLength)
            {
                return false;
            }
            pid = ParsePid(rest.Slice(after + 1, close - 1));
            after += close + 1;
        }
        if (after >= rest.Length || rest[after] != ':' || (after + 1 < rest.Length && rest[after + 1] != ' '))
        {
            return false;
        }
        program = rest[..nameLength].ToString();
        text = rest[(after + 1)..];
        text = text.IsEmpty ? text : text[1..];
        return true;
    }

    // rsyslog's RSYSLOG_SyslogProtocol23Format written to a file without <PRI> and VERSION:
    // "2023-06-21T10:09:55.693976+02:00 kiwi kernel - - - [1154069.463446] …".
    private static bool TryParseProtocol23Remainder(ReadOnlySpan<char> rest, out string? program, out int? pid, out ReadOnlySpan<char> text)
    {
        program = null;
        pid = null;
        text = default;
        var appEnd = rest.IndexOf(' ');
        if (appEnd is <= 0 or > MaxTagLength)
        {
            return false;
        }
        var appName = rest[..appEnd];
        var remainder = rest[appEnd..];
        // Strict (PROCID "-" or a number, STRUCTURED-DATA "-"), so an untagged message is not mistaken for one.
        if (!TryNextField(ref remainder, out var procId) || !TryNextField(ref remainder, out _)
            || !(procId.SequenceEqual("-") || ParsePid(procId) is not null)
            || !remainder.StartsWith(" -") || (remainder.Length > 2 && remainder[2] != ' '))
        {
            return false;
        }
        remainder = remainder[2..];
        program = Nil(appName);
        pid = ParsePid(procId);
        text = remainder.IsEmpty ? remainder : remainder[1..];
        return true;
    }

    private static int? ParsePid(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 10 && text.IndexOfAnyExceptInRange('0', '9') < 0 && int.TryParse(text, out var pid) ? pid : null;

    private static bool TryParseMonth(ReadOnlySpan<char> rest, out int month)
    {
        month = 0;
        if (rest.Length < 4 || rest[3] != ' ')
        {
            return false;
        }
        for (var i = 0; i < Months.Length; i++)
        {
            if (rest[..3].Equals(Months[i], StringComparison.OrdinalIgnoreCase))
            {
                month = i + 1;
                return true;
            }
        }
        return false;
    }

    // "Aug 17 12:31:33", "Aug  7 12:31:33" (day padded with a space), "Aug 7 12:31:33", with an
    // optional fraction ("12:31:33.123", syslog-ng) and an optional year after the day ("Aug 17 2015 12:31:33").
    private static bool TryParseBsdTimestamp(ref ReadOnlySpan<char> rest, int month, SyslogDefaults defaults,
        out DateTime timeUtc, [NotNullWhen(false)] out string? error)
    {
        timeUtc = default;
        error = "malformed timestamp";
        var position = 3;
        while (position < rest.Length && rest[position] == ' ')
        {
            position++;
        }
        if (!TryReadNumber(rest, ref position, 1, 2, out var day) || position >= rest.Length || rest[position] != ' ')
        {
            return false;
        }
        position++;
        int? year = null;
        var yearEnd = position + 4;
        if (yearEnd < rest.Length && rest[yearEnd] == ' ' && rest.Slice(position, 4).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            year = int.Parse(rest.Slice(position, 4), System.Globalization.CultureInfo.InvariantCulture);
            position = yearEnd + 1;
        }
        if (!TryReadNumber(rest, ref position, 2, 2, out var hour) || !TryReadSeparator(rest, ref position, ':')
            || !TryReadNumber(rest, ref position, 2, 2, out var minute) || !TryReadSeparator(rest, ref position, ':')
            || !TryReadNumber(rest, ref position, 2, 2, out var second))
        {
            return false;
        }
        long fractionTicks = 0;
        if (position < rest.Length && rest[position] == '.')
        {
            position++;
            var start = position;
            long scale = TimeSpan.TicksPerSecond;
            while (position < rest.Length && char.IsAsciiDigit(rest[position]))
            {
                scale /= 10;
                fractionTicks += (rest[position] - '0') * scale;
                position++;
            }
            if (position == start)
            {
                return false;
            }
        }
        if (hour > 23 || minute > 59 || second > 60 || day is < 1 or > 31)
        {
            return false;
        }
        rest = rest[position..];

        year ??= defaults.Year;
        if (year is { } fixedYear)
        {
            if (!Rfc3339.TryCreate(fixedYear, month, day, hour, minute, second, out var local))
            {
                error = "no such date";
                return false;
            }
            if (!TryLocalToUtc(local.AddTicks(fractionTicks), defaults.TimeZone, out timeUtc))
            {
                error = "timestamp out of range";
                return false;
            }
            error = null;
            return true;
        }
        if (!ResolveYear(month, day, hour, minute, second, fractionTicks, defaults, out timeUtc))
        {
            error = "no such date";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>
    /// The year of an RFC 3164 time: the latest year (from next year down) in which the date exists and
    /// the time is not after <see cref="SyslogDefaults.ReceivedAt"/> plus <see cref="FutureSkew"/>. So a
    /// Dec 31 line received on Jan 1 is last year's, a line a few minutes "ahead" stays this year, and
    /// Feb 29 goes back to the last leap year.
    /// </summary>
    internal static bool ResolveYear(int month, int day, int hour, int minute, int second, long fractionTicks,
        SyslogDefaults defaults, out DateTime timeUtc)
    {
        timeUtc = default;
        var received = defaults.ReceivedAt.UtcDateTime;
        var latest = received.Ticks > DateTime.MaxValue.Ticks - FutureSkew.Ticks ? DateTime.MaxValue : received + FutureSkew;
        var receivedYear = new DateTime(Math.Clamp(received.Ticks + defaults.TimeZone.GetUtcOffset(received).Ticks, 0, DateTime.MaxValue.Ticks)).Year;
        for (var year = Math.Min(receivedYear + 1, 9998); year >= Math.Max(receivedYear - 8, Rfc3339.MinYear); year--)
        {
            if (Rfc3339.TryCreate(year, month, day, hour, minute, second, out var local)
                && TryLocalToUtc(local.AddTicks(fractionTicks), defaults.TimeZone, out var candidate)
                && candidate <= latest)
            {
                timeUtc = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A local wall-clock time in <paramref name="zone"/> as UTC. Across DST the rule is the one of
    /// java.time and Noda Time's lenient resolver: an ambiguous time (the hour repeated when clocks go
    /// back) is the earlier instant, i.e. still daylight time; a skipped time (the hour lost when clocks go
    /// forward) is read with the offset in force before the gap, so 02:30 on a spring-forward night
    /// becomes 03:30 daylight time.
    /// </summary>
    internal static bool TryLocalToUtc(DateTime local, TimeZoneInfo zone, out DateTime utc)
    {
        utc = default;
        if (local.Ticks < 2 * TimeSpan.TicksPerDay || local.Ticks > DateTime.MaxValue.Ticks - (2 * TimeSpan.TicksPerDay))
        {
            return false;
        }
        // The offsets a day either side of the time are the ones it could be read with.
        var before = zone.GetUtcOffset(new DateTime(local.Ticks - TimeSpan.TicksPerDay, DateTimeKind.Utc));
        var after = zone.GetUtcOffset(new DateTime(local.Ticks + TimeSpan.TicksPerDay, DateTimeKind.Utc));
        var early = new DateTime(local.Ticks - before.Ticks, DateTimeKind.Utc);
        var late = new DateTime(local.Ticks - after.Ticks, DateTimeKind.Utc);
        var earlyValid = zone.GetUtcOffset(early) == before;
        var lateValid = zone.GetUtcOffset(late) == after;
        utc = earlyValid && lateValid ? (early <= late ? early : late)
            : lateValid ? late
            : early;
        return true;
    }

    private static bool TryReadNumber(ReadOnlySpan<char> text, ref int position, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        var start = position;
        while (position < text.Length && position - start < maxDigits && char.IsAsciiDigit(text[position]))
        {
            value = (value * 10) + (text[position] - '0');
            position++;
        }
        return position - start >= minDigits;
    }

    private static bool TryReadSeparator(ReadOnlySpan<char> text, ref int position, char separator)
    {
        if (position < text.Length && text[position] == separator)
        {
            position++;
            return true;
        }
        return false;
    }
}
