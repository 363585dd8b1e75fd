using System.Globalization;
using Dashboard.Shared;

namespace Dashboard.Client.State;

/// <summary>How times are shown: in the browser's zone, in UTC, or in the zone of the host being looked at.</summary>
public enum ZoneMode
{
    Browser,
    Utc,
    Host,
}

/// <summary>
/// Everything a view shows, as its URL says it: a link pasted into the incident channel opens the same
/// view. Either a preset range ending now (<c>range=1h</c>) or an absolute one (<c>from</c>/<c>to</c>,
/// RFC 3339 with offset), the host (absent = all), the display zone, and live refresh.
/// </summary>
public sealed record ViewState(string? Preset, DateTimeOffset? From, DateTimeOffset? To, string? Host, ZoneMode Zone, bool Live)
{
    public static readonly IReadOnlyList<(string Name, TimeSpan Span)> Presets =
    [
        ("15m", TimeSpan.FromMinutes(15)), ("1h", TimeSpan.FromHours(1)), ("6h", TimeSpan.FromHours(6)),
        ("24h", TimeSpan.FromHours(24)), ("7d", TimeSpan.FromDays(7)),
    ];

    public const string DefaultPreset = "1h";

    public static ViewState Default { get; } = new(DefaultPreset, null, null, null, ZoneMode.Browser, false);

    public bool IsAbsolute => Preset is null && From is not null && To is not null;

    /// <summary>The range to read, in UTC; a preset ends at <paramref name="now"/>.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Resolve(DateTimeOffset now)
    {
        if (IsAbsolute)
        {
            return (From!.Value.ToUniversalTime(), To!.Value.ToUniversalTime());
        }
        var span = Presets.FirstOrDefault(p => p.Name == Preset).Span;
        var end = now.ToUniversalTime();
        return (end - (span == default ? TimeSpan.FromHours(1) : span), end);
    }

    public ViewState WithPreset(string preset) => this with { Preset = preset, From = null, To = null };

    /// <summary>An absolute range (a zoom, a picked range): live refresh keeps reading it, it no longer slides.</summary>
    public ViewState WithRange(DateTimeOffset from, DateTimeOffset to) => this with { Preset = null, From = from, To = to };

    /// <summary>The same span, centred on <paramref name="moment"/> (an event clicked in the list).</summary>
    public ViewState CentredOn(DateTimeOffset moment, DateTimeOffset now)
    {
        var (from, to) = Resolve(now);
        var half = (to - from) / 2;
        return WithRange(moment - half, moment + half);
    }

    public static ViewState Parse(string query)
    {
        var values = QueryValues(query);
        var preset = values.GetValueOrDefault("range");
        DateTimeOffset? from = TryTime(values.GetValueOrDefault("from"));
        DateTimeOffset? to = TryTime(values.GetValueOrDefault("to"));
        if (from is not null && to is not null && from < to)
        {
            preset = null;
        }
        else
        {
            (from, to) = (null, null);
            preset = Presets.Any(p => p.Name == preset) ? preset : DefaultPreset;
        }
        var zone = values.GetValueOrDefault("tz") switch
        {
            "utc" => ZoneMode.Utc,
            "host" => ZoneMode.Host,
            _ => ZoneMode.Browser,
        };
        var host = values.GetValueOrDefault("host") is { Length: > 0 } h ? h : null;
        return new ViewState(preset, from, to, host, zone, values.GetValueOrDefault("live") == "1");
    }

    /// <summary>A link to <paramref name="path"/> that keeps this view.</summary>
    public string Link(string path) => Link(path, ToQuery());

    /// <summary>A link to <paramref name="path"/> with a view's query string (<see cref="ToQuery"/>), if it has one.</summary>
    public static string Link(string path, string query) => query.Length > 0 ? path + "?" + query : path;

    /// <summary>The query string (without '?'), defaults left out so that links stay short.</summary>
    public string ToQuery()
    {
        List<string> parts = [];
        if (Host is not null)
        {
            parts.Add("host=" + Uri.EscapeDataString(Host));
        }
        if (IsAbsolute)
        {
            parts.Add("from=" + Uri.EscapeDataString(Format(From!.Value)));
            parts.Add("to=" + Uri.EscapeDataString(Format(To!.Value)));
        }
        else if (Preset is not null && Preset != DefaultPreset)
        {
            parts.Add("range=" + Preset);
        }
        if (Zone != ZoneMode.Browser)
        {
            parts.Add("tz=" + (Zone == ZoneMode.Utc ? "utc" : "host"));
        }
        if (Live)
        {
            parts.Add("live=1");
        }
        return string.Join('&', parts);
    }

    /// <summary>What this view reads: its range (a preset ends at <paramref name="now"/>) at its host.</summary>
    public TimeRange Range(DateTimeOffset now)
    {
        var (from, to) = Resolve(now);
        return new TimeRange(from, to, Host);
    }

    private static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    private static DateTimeOffset? TryTime(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(text.Replace(' ', '+'), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static Dictionary<string, string> QueryValues(string query)
    {
        Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            values[key] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }
        return values;
    }
}
