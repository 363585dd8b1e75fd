using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// The pieces of a request time read from one line; several <c>%{…}t</c> fields may each fill some of
/// them (Apache's own example splits date, milliseconds and offset into three fields).
/// </summary>
internal struct TimeParts
{
    public int Year;
    public int Year2;
    public int Century;
    public int Month;
    public int Day;
    public int YearDay;
    public int Hour;
    public int Hour12;
    public int Pm;
    public int Minute;
    public int Second;
    public int OffsetSeconds;
    public bool HasOffset;
    public long EpochTicks;
    public bool EpochHasFraction;
    public long FractionTicks;

    /// <summary>The date and time of day without offset or fraction, once computed; -1 before.</summary>
    public long LocalTicks;

    public static readonly TimeParts Empty = new()
    {
        Year = -1, Year2 = -1, Century = -1, Month = -1, Day = -1, YearDay = -1, Hour = -1, Hour12 = -1, Pm = -1,
        Minute = -1, Second = -1, EpochTicks = -1, FractionTicks = -1, LocalTicks = -1,
    };

    /// <summary>Computes <see cref="LocalTicks"/> from the calendar fields; false when they are incomplete or impossible.</summary>
    public bool TryComputeLocalTicks()
    {
        var year = Year;
        if (year < 0 && Year2 >= 0)
        {
            // POSIX strptime: without a century, 69-99 are 1969-1999 and 00-68 are 2000-2068.
            year = Century >= 0 ? Century * 100 + Year2 : Year2 + (Year2 < 69 ? 2000 : 1900);
        }
        var hour = Hour;
        if (hour < 0 && Hour12 is >= 1 and <= 12 && Pm >= 0)
        {
            hour = Hour12 % 12 + (Pm == 1 ? 12 : 0);
        }
        if (year is < 1 or > 9999 || hour is < 0 or > 23 || Minute is < 0 or > 59 || Second > 60)
        {
            return false;
        }
        long days;
        if (Month >= 1 && Month <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(year, Month))
        {
            days = new DateTime(year, Month, Day).Ticks / TimeSpan.TicksPerDay;
        }
        else if (Month < 0 && Day < 0 && YearDay >= 1 && YearDay <= (DateTime.IsLeapYear(year) ? 366 : 365))
        {
            days = new DateTime(year, 1, 1).Ticks / TimeSpan.TicksPerDay + YearDay - 1;
        }
        else
        {
            return false;
        }
        // A leap second (:60) is taken as the first second of the next minute.
        var ticks = days * TimeSpan.TicksPerDay + hour * TimeSpan.TicksPerHour + Minute * TimeSpan.TicksPerMinute
            + Math.Max(Second, 0) * TimeSpan.TicksPerSecond;
        if (ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        LocalTicks = ticks;
        return true;
    }
}

/// <summary>
/// One <c>%t</c> or <c>%{format}t</c> field compiled: Apache's special forms (<c>sec</c>, <c>msec</c>,
/// <c>usec</c>, <c>msec_frac</c>, <c>usec_frac</c>, <c>begin:</c>/<c>end:</c>) or a strftime format in
/// the C locale, read back by its own grammar.
/// </summary>
internal sealed class TimeFormat
{
    public const string ClfPattern = "[%d/%b/%Y:%H:%M:%S %z]";

    private const int Unbounded = -1;

    private enum ItemKind : byte
    {
        Literal,
        Number,
        MonthName,
        WeekdayName,
        AmPm,
        Offset,
        ZoneName,
    }

    private enum Slot : byte
    {
        None,
        Year,
        Year2,
        Century,
        Month,
        Day,
        YearDay,
        Hour,
        Hour12,
        Minute,
        Second,
        EpochSeconds,
        EpochMillis,
        EpochMicros,
        Millis,
        Micros,
    }

    private readonly record struct Item(ItemKind Kind, Slot Slot = Slot.None, char Literal = '\0', int MinDigits = 0, int MaxDigits = 0, bool SpacePadded = false, bool Full = false);

    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] WeekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private readonly Item[] _items;

    private TimeFormat(Item[] items, bool isEnd)
    {
        _items = items;
        IsEnd = isEnd;
        var width = 0;
        foreach (var item in items)
        {
            var itemWidth = item.Kind switch
            {
                ItemKind.Literal => 1,
                ItemKind.Number when item.MinDigits == item.MaxDigits => item.MaxDigits,
                ItemKind.MonthName or ItemKind.WeekdayName when !item.Full => 3,
                ItemKind.AmPm => 2,
                ItemKind.Offset => 5,
                _ => Unbounded,
            };
            if (itemWidth == Unbounded)
            {
                width = Unbounded;
                break;
            }
            width += itemWidth;
        }
        FixedWidth = width;
        foreach (var item in items)
        {
            switch (item.Slot)
            {
                case Slot.Year or Slot.Year2:
                    HasYear = true;
                    break;
                case Slot.Month:
                    HasMonth = true;
                    break;
                case Slot.Day:
                    HasDay = true;
                    break;
                case Slot.YearDay:
                    HasYearDay = true;
                    break;
                case Slot.Hour:
                    HasHour = true;
                    break;
                case Slot.Hour12:
                    HasHour12 = true;
                    break;
                case Slot.Minute:
                    HasMinute = true;
                    break;
                case Slot.EpochSeconds or Slot.EpochMillis or Slot.EpochMicros:
                    HasEpoch = true;
                    break;
            }
            HasOffset |= item.Kind == ItemKind.Offset;
            HasAmPm |= item.Kind == ItemKind.AmPm;
            HasMonth |= item.Kind == ItemKind.MonthName;
        }
    }

    /// <summary>From <c>%{end:…}t</c>: the time the request ended rather than began.</summary>
    public bool IsEnd { get; }

    /// <summary>How many chars every value of this format takes, or -1 when names or epochs vary in length.</summary>
    public int FixedWidth { get; }

    public bool HasYear { get; }
    public bool HasMonth { get; }
    public bool HasDay { get; }
    public bool HasYearDay { get; }
    public bool HasHour { get; }
    public bool HasHour12 { get; }
    public bool HasAmPm { get; }
    public bool HasMinute { get; }
    public bool HasOffset { get; }
    public bool HasEpoch { get; }

    /// <summary>Whether this field alone gives a full date and time of day.</summary>
    public bool IsCompleteDateTime => HasYear && ((HasMonth && HasDay) || HasYearDay) && (HasHour || (HasHour12 && HasAmPm)) && HasMinute;

    /// <summary>Compiles the argument of <c>%{…}t</c> (null or empty for plain <c>%t</c>).</summary>
    public static bool TryCompile(string? argument, [NotNullWhen(true)] out TimeFormat? format, [NotNullWhen(false)] out string? error)
    {
        var text = argument ?? "";
        var isEnd = false;
        if (text.StartsWith("begin", StringComparison.Ordinal) && (text.Length == 5 || text[5] == ':'))
        {
            text = text.Length == 5 ? "" : text[6..];
        }
        else if (text.StartsWith("end", StringComparison.Ordinal) && (text.Length == 3 || text[3] == ':'))
        {
            isEnd = true;
            text = text.Length == 3 ? "" : text[4..];
        }
        Item[]? special = text switch
        {
            "" => null,
            "sec" => [new(ItemKind.Number, Slot.EpochSeconds, MinDigits: 1, MaxDigits: 12)],
            "msec" => [new(ItemKind.Number, Slot.EpochMillis, MinDigits: 1, MaxDigits: 15)],
            "usec" => [new(ItemKind.Number, Slot.EpochMicros, MinDigits: 1, MaxDigits: 18)],
            "msec_frac" => [new(ItemKind.Number, Slot.Millis, MinDigits: 3, MaxDigits: 3)],
            "usec_frac" => [new(ItemKind.Number, Slot.Micros, MinDigits: 6, MaxDigits: 6)],
            _ => null,
        };
        if (special is not null)
        {
            format = new TimeFormat(special, isEnd);
            error = null;
            return true;
        }
        var items = new List<Item>();
        if (!TryCompileStrftime(text.Length == 0 ? ClfPattern : text, items, out error))
        {
            format = null;
            error = $"%{{{argument}}}t: {error}";
            return false;
        }
        format = new TimeFormat([.. items], isEnd);
        return true;
    }

    private static bool TryCompileStrftime(string pattern, List<Item> items, [NotNullWhen(false)] out string? error)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%')
            {
                items.Add(new(ItemKind.Literal, Literal: pattern[i]));
                continue;
            }
            if (++i == pattern.Length)
            {
                error = "the time format ends with a lone %";
                return false;
            }
            // glibc flags: '-' no padding, '_' pad with spaces, '0' pad with zeros; E and O select
            // alternative numerals, which the C locale does not have.
            var flag = '\0';
            while (i < pattern.Length && pattern[i] is '-' or '_' or '0' or '^' or '#')
            {
                flag = pattern[i++];
            }
            if (i < pattern.Length && pattern[i] is 'E' or 'O')
            {
                i++;
            }
            if (i == pattern.Length)
            {
                error = "the time format ends inside a conversion";
                return false;
            }
            var conversion = pattern[i];
            var expansion = conversion switch
            {
                'T' or 'X' => "%H:%M:%S",
                'F' => "%Y-%m-%d",
                'D' or 'x' => "%m/%d/%y",
                'R' => "%H:%M",
                'r' => "%I:%M:%S %p",
                'c' => "%a %b %e %H:%M:%S %Y",
                _ => null,
            };
            if (expansion is not null)
            {
                TryCompileStrftime(expansion, items, out _);
                continue;
            }
            Item? item = conversion switch
            {
                'd' => Number(Slot.Day, 2, flag),
                'e' => Number(Slot.Day, 2, flag == '\0' ? '_' : flag),
                'm' => Number(Slot.Month, 2, flag),
                'Y' => Number(Slot.Year, 4, flag),
                'y' => Number(Slot.Year2, 2, flag),
                'C' => Number(Slot.Century, 2, flag),
                'H' => Number(Slot.Hour, 2, flag),
                'k' => Number(Slot.Hour, 2, flag == '\0' ? '_' : flag),
                'I' => Number(Slot.Hour12, 2, flag),
                'l' => Number(Slot.Hour12, 2, flag == '\0' ? '_' : flag),
                'M' => Number(Slot.Minute, 2, flag),
                'S' => Number(Slot.Second, 2, flag),
                'j' => Number(Slot.YearDay, 3, flag),
                's' => new(ItemKind.Number, Slot.EpochSeconds, MinDigits: 1, MaxDigits: 12),
                'u' or 'w' => Number(Slot.None, 1, flag),
                'U' or 'W' or 'V' or 'g' => Number(Slot.None, 2, flag),
                'G' => Number(Slot.None, 4, flag),
                'b' or 'h' => new(ItemKind.MonthName),
                'B' => new(ItemKind.MonthName, Full: true),
                'a' => new(ItemKind.WeekdayName),
                'A' => new(ItemKind.WeekdayName, Full: true),
                'p' or 'P' => new(ItemKind.AmPm),
                'z' => new(ItemKind.Offset),
                'Z' => new(ItemKind.ZoneName),
                'n' => new(ItemKind.Literal, Literal: '\n'),
                't' => new(ItemKind.Literal, Literal: '\t'),
                '%' => new(ItemKind.Literal, Literal: '%'),
                _ => null,
            };
            if (item is null)
            {
                error = $"strftime conversion %{conversion} is not supported";
                return false;
            }
            items.Add(item.Value);
        }
        error = null;
        return true;
    }

    private static Item Number(Slot slot, int width, char flag) => flag switch
    {
        '-' => new(ItemKind.Number, slot, MinDigits: 1, MaxDigits: width),
        '_' => new(ItemKind.Number, slot, MinDigits: width, MaxDigits: width, SpacePadded: true),
        _ => new(ItemKind.Number, slot, MinDigits: width, MaxDigits: width),
    };

    /// <summary>Reads one value of this format at <paramref name="pos"/>, filling <paramref name="parts"/>.</summary>
    public bool TryParse(ReadOnlySpan<char> line, ref int pos, ref TimeParts parts)
    {
        var p = pos;
        foreach (var item in _items)
        {
            switch (item.Kind)
            {
                case ItemKind.Literal:
                    if (p >= line.Length || line[p] != item.Literal)
                    {
                        return false;
                    }
                    p++;
                    break;
                case ItemKind.Number:
                    if (!TryReadNumber(line, ref p, item, out var value) || !Store(ref parts, item.Slot, value))
                    {
                        return false;
                    }
                    break;
                case ItemKind.MonthName:
                    var month = ReadName(line, ref p, MonthNames, item.Full);
                    if (month < 0)
                    {
                        return false;
                    }
                    parts.Month = month + 1;
                    break;
                case ItemKind.WeekdayName:
                    if (ReadName(line, ref p, WeekdayNames, item.Full) < 0)
                    {
                        return false;
                    }
                    break;
                case ItemKind.AmPm:
                    var meridiem = p + 2 <= line.Length && char.ToLowerInvariant(line[p + 1]) == 'm' ? char.ToLowerInvariant(line[p]) : '\0';
                    if (meridiem is not ('a' or 'p'))
                    {
                        return false;
                    }
                    parts.Pm = meridiem == 'p' ? 1 : 0;
                    p += 2;
                    break;
                case ItemKind.Offset:
                    if (!TryReadOffset(line, ref p, ref parts))
                    {
                        return false;
                    }
                    break;
                case ItemKind.ZoneName:
                    if (!TryReadZoneName(line, ref p, ref parts))
                    {
                        return false;
                    }
                    break;
            }
        }
        pos = p;
        return true;
    }

    private static bool TryReadNumber(ReadOnlySpan<char> line, ref int p, Item item, out long value)
    {
        value = 0;
        var start = p;
        var limit = Math.Min(line.Length, p + item.MaxDigits);
        if (item.SpacePadded)
        {
            while (p < limit - 1 && line[p] == ' ')
            {
                p++;
            }
        }
        var digitsStart = p;
        while (p < limit && char.IsAsciiDigit(line[p]))
        {
            value = value * 10 + (line[p] - '0');
            p++;
        }
        return p > digitsStart && p - start >= item.MinDigits;
    }

    private static bool Store(ref TimeParts parts, Slot slot, long value)
    {
        switch (slot)
        {
            case Slot.Year:
                parts.Year = (int)value;
                break;
            case Slot.Year2:
                parts.Year2 = (int)value;
                break;
            case Slot.Century:
                parts.Century = (int)value;
                break;
            case Slot.Month:
                parts.Month = (int)value;
                break;
            case Slot.Day:
                parts.Day = (int)value;
                break;
            case Slot.YearDay:
                parts.YearDay = (int)value;
                break;
            case Slot.Hour:
                parts.Hour = (int)value;
                break;
            case Slot.Hour12:
                parts.Hour12 = (int)value;
                break;
            case Slot.Minute:
                parts.Minute = (int)value;
                break;
            case Slot.Second:
                parts.Second = (int)value;
                break;
            case Slot.EpochSeconds:
                return StoreEpoch(ref parts, value, TimeSpan.TicksPerSecond, hasFraction: false);
            case Slot.EpochMillis:
                return StoreEpoch(ref parts, value, TimeSpan.TicksPerMillisecond, hasFraction: true);
            case Slot.EpochMicros:
                return StoreEpoch(ref parts, value, TimeSpan.TicksPerMicrosecond, hasFraction: true);
            case Slot.Millis:
                parts.FractionTicks = value * TimeSpan.TicksPerMillisecond;
                break;
            case Slot.Micros:
                parts.FractionTicks = value * TimeSpan.TicksPerMicrosecond;
                break;
        }
        return true;
    }

    private static bool StoreEpoch(ref TimeParts parts, long value, long ticksPerUnit, bool hasFraction)
    {
        var maxUnits = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / ticksPerUnit;
        if (value > maxUnits)
        {
            return false;
        }
        parts.EpochTicks = DateTime.UnixEpoch.Ticks + value * ticksPerUnit;
        parts.EpochHasFraction = hasFraction;
        return true;
    }

    private static int ReadName(ReadOnlySpan<char> line, ref int p, string[] names, bool full)
    {
        var rest = line[p..];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (full && rest.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                p += name.Length;
                return i;
            }
            if (rest.Length >= 3 && rest[..3].Equals(name.AsSpan(0, 3), StringComparison.OrdinalIgnoreCase))
            {
                // %B also accepts the abbreviation, as strptime does.
                p += 3;
                return i;
            }
        }
        return -1;
    }

    private static bool TryReadOffset(ReadOnlySpan<char> line, ref int p, ref TimeParts parts)
    {
        if (p < line.Length && line[p] is 'Z' or 'z')
        {
            p++;
            parts.OffsetSeconds = 0;
            parts.HasOffset = true;
            return true;
        }
        // +hhmm as strftime writes it; +hh:mm as some other servers do.
        if (p + 5 > line.Length || line[p] is not ('+' or '-') || !IsDigits(line.Slice(p + 1, 2)))
        {
            return false;
        }
        var hours = (line[p + 1] - '0') * 10 + line[p + 2] - '0';
        var q = p + 3;
        if (line[q] == ':')
        {
            q++;
        }
        if (q + 2 > line.Length || !IsDigits(line.Slice(q, 2)))
        {
            return false;
        }
        var minutes = (line[q] - '0') * 10 + line[q + 1] - '0';
        if (hours > 23 || minutes > 59)
        {
            return false;
        }
        var seconds = hours * 3600 + minutes * 60;
        parts.OffsetSeconds = line[p] == '-' ? -seconds : seconds;
        parts.HasOffset = true;
        p = q + 2;
        return true;
    }

    private static bool TryReadZoneName(ReadOnlySpan<char> line, ref int p, ref TimeParts parts)
    {
        var start = p;
        while (p < line.Length && char.IsAsciiLetter(line[p]) && p - start < 10)
        {
            p++;
        }
        if (p == start)
        {
            // glibc writes zones without an abbreviation as "+09".
            while (p < line.Length && (char.IsAsciiDigit(line[p]) || (p == start && line[p] is '+' or '-')) && p - start < 5)
            {
                p++;
            }
            return p - start >= 2;
        }
        // The names of UTC carry an offset; any other abbreviation is ambiguous (IST, CST), so the
        // host's zone decides.
        if (line[start..p] is "UTC" or "GMT" or "UT" or "Z")
        {
            parts.OffsetSeconds = 0;
            parts.HasOffset = true;
        }
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');
}
