using System.Globalization;

namespace Dashboard.Server.Demo;

/// <summary>
/// The built-in incident as host <c>hoge</c> (Apache 2.2 and Tomcat on CentOS 6, Asia/Tokyo) shipped it
/// on 17 Aug 2015: its access log (combined, +0900), its /var/log/messages (RFC 3164, local time) and
/// its memory every 10 s (a 2.6.32 kernel's: no MemAvailable), from 11:00 to 13:00. Background visitors all along; from 12:07
/// 202.215.15.8 sends Apache-killer HEAD requests answered 206 (CVE-2011-3192), 452 of them between
/// 12:10 and 12:20; the bloated httpd children drain memory, then swap; the OOM killer kills java,
/// then nine httpd children, from 12:31:33 to 12:33:41, its log's own ten kills (<see cref="DemoOomKills"/>);
/// memory recovers and an admin restarts Tomcat.
/// Generated from fixed seeds, so every run ships the same lines; <see cref="Shift"/> moves all of it
/// in time (the live replay), whole minutes keeping every minute bucket of the story as it was.
/// </summary>
internal sealed class DemoIncident
{
    public const string HostName = "hoge";
    public const string TimeZoneId = "Asia/Tokyo";
    public const string LogFormat = "combined";
    public const string Attacker = "202.215.15.8";
    public const int AttackRequestsInWindow = 452;
    public const int OomKills = 10;

    /// <summary>A time of the incident's day, 2015-08-17, on the host's clock (Asia/Tokyo, +09:00).</summary>
    public static DateTimeOffset At(int hour, int minute, int second = 0) => new(2015, 8, 17, hour, minute, second, TimeSpan.FromHours(9));

    /// <summary>The logs shipped: [Start, End).</summary>
    public static readonly DateTimeOffset Start = At(11, 0);
    public static readonly DateTimeOffset End = At(13, 0);

    /// <summary>The ten minutes in which the attacker sent <see cref="AttackRequestsInWindow"/> requests.</summary>
    public static readonly DateTimeOffset AttackFrom = At(12, 10);
    public static readonly DateTimeOffset AttackTo = At(12, 20);

    public static readonly DateTimeOffset FirstKill = At(12, 31, 33);
    public static readonly DateTimeOffset LastKill = At(12, 33, 41);

    /// <summary>The hour the printed link opens: calm, the ramp-up, the drain, the kills and the recovery.</summary>
    public static readonly DateTimeOffset OverviewFrom = At(11, 50);
    public static readonly DateTimeOffset OverviewTo = At(12, 50);

    private DemoIncident(TimeSpan shift, List<DemoLine> access, List<DemoLine> syslog, List<DemoMemorySample> memory)
    {
        Shift = shift;
        Access = access;
        Syslog = syslog;
        Memory = memory;
    }

    /// <summary>How far every time is moved from 17 Aug 2015 (zero for the incident as it happened).</summary>
    public TimeSpan Shift { get; }

    /// <summary>Access-log lines in combined format, in time order.</summary>
    public IReadOnlyList<DemoLine> Access { get; }

    /// <summary>/var/log/messages lines (RFC 3164, the host's local time), in time order.</summary>
    public IReadOnlyList<DemoLine> Syslog { get; }

    /// <summary>Memory samples every 10 s, in time order.</summary>
    public IReadOnlyList<DemoMemorySample> Memory { get; }

    /// <summary>The incident, moved by <paramref name="shift"/> (whole seconds).</summary>
    public static DemoIncident Create(TimeSpan shift = default)
    {
        if (shift.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shift), "the shift is whole seconds, as log times are");
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        DateTimeOffset Local(DateTimeOffset storyTime) => TimeZoneInfo.ConvertTime(storyTime + shift, zone);

        var access = DemoAccessLog.Generate()
            .Select(r => { var time = Local(r.Time); return new DemoLine(time, r.Format(time)); })
            .ToList();
        var syslog = DemoSystemLog.Generate()
            .Select(e => { var time = Local(e.Time); return new DemoLine(time, e.Format(time)); })
            .ToList();
        var memory = DemoMemory.Generate().Select(s => s with { Time = Local(s.Time) }).ToList();
        return new DemoIncident(shift, access, syslog, memory);
    }

    /// <summary>
    /// The shift that puts story time <paramref name="storyTime"/> at the start of the minute after the
    /// one following <paramref name="now"/>: one to two minutes ahead, on a minute boundary.
    /// </summary>
    public static TimeSpan ShiftToFollow(DateTimeOffset now, DateTimeOffset storyTime)
    {
        var nextMinute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(2);
        return nextMinute - storyTime;
    }
}

/// <summary>One line as the host wrote it, at its (shifted) time in the host's zone.</summary>
internal sealed record DemoLine(DateTimeOffset Time, string Text);

/// <summary>
/// One /proc/meminfo reading of a 2.6.32 kernel, as a shipper sends it in JSON: no MemAvailable (Linux 3.14+), so the
/// dashboard derives what is available from MemFree, Buffers and Cached.
/// </summary>
internal sealed record DemoMemorySample(
    DateTimeOffset Time, long MemTotalKb, long MemFreeKb, long BuffersKb, long CachedKb, long SwapTotalKb, long SwapFreeKb)
{
    // Numbers and a fixed-format time: nothing to escape.
    public string ToJson() => string.Create(CultureInfo.InvariantCulture,
        $$"""{"time":"{{Time:yyyy-MM-dd'T'HH:mm:sszzz}}","memTotalKb":{{MemTotalKb}},"memFreeKb":{{MemFreeKb}},"buffersKb":{{BuffersKb}},"cachedKb":{{CachedKb}},"swapTotalKb":{{SwapTotalKb}},"swapFreeKb":{{SwapFreeKb}}}""");
}
