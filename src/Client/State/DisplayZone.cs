using System.Globalization;

namespace Dashboard.Client.State;

/// <summary>
/// The zone times are shown in. Charts draw wall-clock times: a UTC instant becomes the milliseconds of
/// its local date and time read as if they were UTC, so the chart (told its data is UTC) labels the
/// axis in this zone; a selection on the chart comes back through <see cref="FromChartMillis"/>.
/// </summary>
public sealed class DisplayZone(TimeZoneInfo zone, string label)
{
    public static DisplayZone Utc { get; } = new(TimeZoneInfo.Utc, "UTC");

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>What the zone is called on screen, e.g. "Asia/Tokyo" or "UTC".</summary>
    public string Label { get; } = label;

    /// <param name="mode">The zone the view asks for.</param>
    /// <param name="hostZone">The zone of the host being looked at, if there is one.</param>
    /// <param name="browserZone">The operator's browser's zone.</param>
    public static DisplayZone For(ZoneMode mode, string? hostZone, TimeZoneInfo browserZone) => mode switch
    {
        ZoneMode.Utc => Utc,
        ZoneMode.Host when hostZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(hostZone, out var found) => new(found, hostZone),
        ZoneMode.Host => Utc,
        _ => new(browserZone, browserZone.Id),
    };

    public DateTimeOffset ToLocal(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone);

    public long ToChartMillis(DateTimeOffset time)
    {
        var local = ToLocal(time);
        return new DateTimeOffset(local.DateTime, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    public DateTimeOffset FromChartMillis(long millis)
    {
        var wallClock = DateTimeOffset.FromUnixTimeMilliseconds(millis).DateTime;
        return FromWallClock(wallClock).ToUniversalTime();
    }

    /// <summary>A date and time on this zone's clocks, as an instant.</summary>
    private DateTimeOffset FromWallClock(DateTime wallClock)
    {
        // A wall-clock time skipped by a DST change has no instant: read it with the offset before the gap.
        var offset = Zone.IsInvalidTime(wallClock) ? Zone.GetUtcOffset(wallClock.AddHours(-1)) : Zone.GetUtcOffset(wallClock);
        return new DateTimeOffset(wallClock, offset);
    }

    public string Format(DateTimeOffset time) => ToLocal(time).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public string FormatShort(DateTimeOffset time) => ToLocal(time).ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>For a datetime-local input: the local date and time without zone.</summary>
    public string FormatInput(DateTimeOffset time) => ToLocal(time).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    public DateTimeOffset? ParseInput(string? text)
    {
        if (!DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        return FromWallClock(local);
    }
}
