namespace Dashboard.Server;

/// <summary>
/// RFC 3339 date-times as syslog (RFC 5424, rsyslog's file format), JSON samples and the API's
/// query strings write them: <c>2015-08-17T12:31:33.123456+09:00</c>. Span-based: it runs once per
/// line on the ingest path.
/// </summary>
internal static class Rfc3339
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    /// <summary>A whole text that is a time with an explicit offset (an API parameter or header): never a guessed zone.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        // An unencoded '+' in a query string arrives as a space: "12:00:00 09:00" meant "12:00:00+09:00".
        if (text.Length > 6 && text[^6] == ' ' && text[^3] == ':')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 6), "+", text.AsSpan(text.Length - 5));
        }
        var span = text.AsSpan();
        // The UTC instant of 9999-12-31T23:59:59-12:00 is past what DateTimeOffset holds.
        if (TryParse(span, out var local, out var offset, out var consumed) && consumed == span.Length
            && offset is { } o && o.Duration() <= MaxOffset && TryToUtc(local, o, out _))
        {
            time = new DateTimeOffset(local, o);
            return true;
        }
        return false;
    }

    // Older times are a clock that was never set, or garbage; X-Log-Year has the same floor.
    public const int MinYear = 1970;

    /// <summary>
    /// Reads a date-time at the start of <paramref name="text"/>. The fraction may have any number of
    /// digits (beyond 100 ns they are dropped); the offset may be <c>Z</c>, <c>±hh:mm</c> or <c>±hhmm</c>,
    /// or absent, which leaves <paramref name="offset"/> null for the caller to decide.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime local, out TimeSpan? offset, out int consumed)
    {
        local = default;
        offset = null;
        consumed = 0;
        if (text.Length < 19
            || !TryDigits(text[..4], out var year) || text[4] != '-'
            || !TryDigits(text.Slice(5, 2), out var month) || text[7] != '-'
            || !TryDigits(text.Slice(8, 2), out var day) || text[10] is not ('T' or 't')
            || !TryDigits(text.Slice(11, 2), out var hour) || text[13] != ':'
            || !TryDigits(text.Slice(14, 2), out var minute) || text[16] != ':'
            || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        var position = 19;
        long fractionTicks = 0;
        if (position < text.Length && text[position] == '.')
        {
            position++;
            var start = position;
            long scale = TimeSpan.TicksPerSecond;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                scale /= 10;
                fractionTicks += (text[position] - '0') * scale;
                position++;
            }
            if (position == start)
            {
                return false;
            }
        }
        if (position < text.Length && text[position] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
            position++;
        }
        else if (position < text.Length && text[position] is '+' or '-')
        {
            var sign = text[position] == '-' ? -1 : 1;
            var rest = text[(position + 1)..];
            int offsetHours, offsetMinutes;
            if (rest.Length >= 5 && rest[2] == ':' && TryDigits(rest[..2], out offsetHours) && TryDigits(rest.Slice(3, 2), out offsetMinutes))
            {
                position += 6;
            }
            else if (rest.Length >= 4 && TryDigits(rest[..2], out offsetHours) && TryDigits(rest.Slice(2, 2), out offsetMinutes))
            {
                position += 5;
            }
            else
            {
                return false;
            }
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                return false;
            }
            offset = sign * new TimeSpan(offsetHours, offsetMinutes, 0);
        }
        if (!TryCreate(year, month, day, hour, minute, second, out local))
        {
            return false;
        }
        local = local.AddTicks(fractionTicks);
        consumed = position;
        return true;
    }

    /// <summary>A calendar time, checked field by field instead of letting DateTime throw.</summary>
    public static bool TryCreate(int year, int month, int day, int hour, int minute, int second, out DateTime local)
    {
        local = default;
        if (year is < MinYear or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        // A leap second (:60) is kept as the last moment of the minute before it.
        local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>The UTC instant of a local time written with an explicit offset, if DateTime can hold it.</summary>
    public static bool TryToUtc(DateTime local, TimeSpan offset, out DateTime utc)
    {
        var ticks = local.Ticks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            utc = default;
            return false;
        }
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
