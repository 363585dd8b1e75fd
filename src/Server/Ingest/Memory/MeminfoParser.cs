using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Memory;

public static class MeminfoParser
{
    /// <summary>The last second a DateTime holds, 9999-12-31T23:59:59Z, as Unix time.</summary>
    internal const double MaxEpochSeconds = 253_402_300_799;

    /// <summary>Unix time in (fractional) seconds, at most <see cref="MaxEpochSeconds"/>, as UTC.</summary>
    internal static DateTime FromEpochSeconds(double seconds) => DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>A whole /proc/meminfo text, sampled at <paramref name="sampleTimeUtc"/>.</summary>
    /// <remarks>
    /// Lines are <c>Name:   value kB</c> (a few, like <c>HugePages_Total:</c>, have no unit); names this
    /// parser does not use are skipped, and so are lines that are not of that shape. A text without
    /// MemTotal is not a meminfo text.
    /// </remarks>
    public static bool TryParse(ReadOnlySpan<char> text, DateTime sampleTimeUtc, out MemorySample sample, [NotNullWhen(false)] out string? error)
    {
        sample = default;
        long? memTotal = null, memFree = null, memAvailable = null, buffers = null, cached = null, swapTotal = null, swapFree = null;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].Trim();
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            ref var field = ref FieldFor(name, ref memTotal, ref memFree, ref memAvailable, ref buffers, ref cached, ref swapTotal, ref swapFree, out var known);
            if (!known || field is not null)
            {
                continue;
            }
            if (!TryReadKilobytes(line[(colon + 1)..].Trim(), out var value))
            {
                error = $"{name} is not a number of kB";
                return false;
            }
            field = value;
        }
        if (memTotal is null)
        {
            error = "no MemTotal: not a /proc/meminfo text";
            return false;
        }
        if (memTotal == 0)
        {
            error = "MemTotal is 0";
            return false;
        }
        sample = new MemorySample(AsUtc(sampleTimeUtc), memTotal, memAvailable ?? DeriveAvailable(memTotal.Value, memFree, buffers, cached),
            memFree, cached, swapTotal, swapFree);
        error = null;
        return true;
    }

    /// <summary>A JSON sample <c>{time, memTotalKb, memAvailableKb, memFreeKb, cachedKb, swapTotalKb, swapFreeKb}</c>.</summary>
    /// <remarks>
    /// <c>time</c> is RFC 3339 with an offset or epoch seconds (a number); absent or null, the sample is
    /// timed at <paramref name="receivedAtUtc"/>. Values are whole non-negative numbers of kB; null is the
    /// same as absent. memTotalKb is required, as MemTotal is in a text. Without memAvailableKb it is
    /// derived like a text's, counting an optional <c>buffersKb</c>. Names match case-insensitively.
    /// </remarks>
    public static bool TryParseJson(JsonElement sampleObject, DateTime receivedAtUtc, out MemorySample sample, [NotNullWhen(false)] out string? error)
    {
        sample = default;
        if (sampleObject.ValueKind != JsonValueKind.Object)
        {
            error = "a sample is not a JSON object";
            return false;
        }
        var time = AsUtc(receivedAtUtc);
        long? memTotal = null, memFree = null, memAvailable = null, buffers = null, cached = null, swapTotal = null, swapFree = null;
        var seenTime = false;
        foreach (var property in sampleObject.EnumerateObject())
        {
            if (!JsonText.TryGetName(property, out var name))
            {
                error = $"a field name {JsonText.UnpairedSurrogate}";
                return false;
            }
            if (name.Equals("time", StringComparison.OrdinalIgnoreCase))
            {
                if (seenTime)
                {
                    continue;
                }
                seenTime = true;
                if (!TryReadTime(property.Value, receivedAtUtc, out time, out error))
                {
                    return false;
                }
                continue;
            }
            if (!name.EndsWith("Kb", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            ref var field = ref FieldFor(name.AsSpan(0, name.Length - 2), ref memTotal, ref memFree, ref memAvailable, ref buffers, ref cached, ref swapTotal, ref swapFree, out var known);
            if (!known || field is not null || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (!TryReadKilobytes(property.Value, out var kilobytes, out var problem))
            {
                error = $"{name} {problem}";
                return false;
            }
            field = kilobytes;
        }
        if (memTotal is null)
        {
            error = "no memTotalKb";
            return false;
        }
        sample = new MemorySample(time, memTotal, memAvailable ?? DeriveAvailable(memTotal.Value, memFree, buffers, cached),
            memFree, cached, swapTotal, swapFree);
        error = null;
        return true;
    }

    /// <summary>
    /// MemAvailable appeared in Linux 3.14; older kernels (CentOS 6's 2.6.32) lack it. Their estimate is
    /// what <c>free</c> showed then on its "-/+ buffers/cache" line: MemFree + Buffers + Cached. It is a
    /// little optimistic (shmem and tmpfs pages count in Cached but cannot be dropped), and is capped at MemTotal.
    /// </summary>
    private static long? DeriveAvailable(long memTotal, long? memFree, long? buffers, long? cached) =>
        memFree is { } free ? Math.Min(memTotal, free + (buffers ?? 0) + (cached ?? 0)) : null;

    private static ref long? FieldFor(ReadOnlySpan<char> name, ref long? memTotal, ref long? memFree, ref long? memAvailable,
        ref long? buffers, ref long? cached, ref long? swapTotal, ref long? swapFree, out bool known)
    {
        known = true;
        if (name.Equals("MemTotal", StringComparison.OrdinalIgnoreCase))
        {
            return ref memTotal;
        }
        if (name.Equals("MemFree", StringComparison.OrdinalIgnoreCase))
        {
            return ref memFree;
        }
        if (name.Equals("MemAvailable", StringComparison.OrdinalIgnoreCase))
        {
            return ref memAvailable;
        }
        if (name.Equals("Buffers", StringComparison.OrdinalIgnoreCase))
        {
            return ref buffers;
        }
        if (name.Equals("Cached", StringComparison.OrdinalIgnoreCase))
        {
            return ref cached;
        }
        if (name.Equals("SwapTotal", StringComparison.OrdinalIgnoreCase))
        {
            return ref swapTotal;
        }
        known = name.Equals("SwapFree", StringComparison.OrdinalIgnoreCase);
        return ref swapFree;
    }

    // "16314000 kB"; /proc/meminfo has no other unit for these fields.
    private static bool TryReadKilobytes(ReadOnlySpan<char> value, out long kilobytes)
    {
        kilobytes = 0;
        var digits = value.IndexOfAnyExceptInRange('0', '9');
        var number = digits < 0 ? value : value[..digits];
        var unit = digits < 0 ? [] : value[digits..].Trim();
        return number.Length is > 0 and <= 18
            && (unit.IsEmpty || unit.Equals("kB", StringComparison.OrdinalIgnoreCase))
            && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out kilobytes);
    }

    private static bool TryReadKilobytes(JsonElement value, out long kilobytes, [NotNullWhen(false)] out string? problem)
    {
        kilobytes = 0;
        problem = null;
        if (value.ValueKind != JsonValueKind.Number)
        {
            problem = "is not a whole number";
            return false;
        }
        // Beyond decimal's range (±7.9e28) only the sign and size matter for the reason.
        if (!value.TryGetDecimal(out var number))
        {
            value.TryGetDouble(out var approximate);
            problem = approximate < 0 ? "is negative" : Math.Abs(approximate) < 1 ? "is not a whole number" : "is too large";
            return false;
        }
        problem = number < 0 ? "is negative"
            : number != decimal.Truncate(number) ? "is not a whole number"
            : number > long.MaxValue ? "is too large"
            : null;
        kilobytes = problem is null ? (long)number : 0;
        return problem is null;
    }

    private static bool TryReadTime(JsonElement value, DateTime receivedAtUtc, out DateTime time, [NotNullWhen(false)] out string? error)
    {
        time = AsUtc(receivedAtUtc);
        error = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var seconds) && double.IsFinite(seconds):
                if (seconds is < 0 or > MaxEpochSeconds)
                {
                    error = "time is out of range";
                    return false;
                }
                time = FromEpochSeconds(seconds);
                return true;
            case JsonValueKind.String:
                if (!JsonText.TryGetString(value, out var timeText))
                {
                    error = $"time {JsonText.UnpairedSurrogate}";
                    return false;
                }
                var text = timeText.AsSpan();
                if (Rfc3339.TryParse(text, out var local, out var offset, out var consumed) && consumed == text.Length
                    && offset is { } o && Rfc3339.TryToUtc(local, o, out time))
                {
                    return true;
                }
                error = "time is not an RFC 3339 time with an offset";
                return false;
            default:
                error = "time must be an RFC 3339 string or epoch seconds";
                return false;
        }
    }

    private static DateTime AsUtc(DateTime time) => time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
