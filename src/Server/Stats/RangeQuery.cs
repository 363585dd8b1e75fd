using System.Diagnostics.CodeAnalysis;
using Dashboard.Shared;

namespace Dashboard.Server.Stats;

/// <summary>The range as a read endpoint's query string gives it. Times are RFC 3339 with an offset; <c>to</c> is exclusive.</summary>
public sealed record RangeQuery(string? From, string? To, string? Host)
{
    /// <summary>The range it names: <c>to</c> is <paramref name="now"/> when absent, <c>from</c> an hour before <c>to</c>.</summary>
    internal bool TryRead(DateTimeOffset now, [NotNullWhen(true)] out TimeRange? range, [NotNullWhen(false)] out Dictionary<string, string[]>? errors)
    {
        Dictionary<string, string[]> found = [];
        var to = now;
        if (To is not null && !Rfc3339.TryParse(To, out to))
        {
            found["to"] = ["must be an RFC 3339 time with an offset, e.g. 2015-08-17T12:40:00+09:00 (encode '+' as %2B)"];
        }
        var from = to.UtcDateTime.Ticks >= ReadRange.DefaultSpan.Ticks ? to - ReadRange.DefaultSpan : DateTimeOffset.MinValue;
        if (From is not null && !Rfc3339.TryParse(From, out from))
        {
            found["from"] = ["must be an RFC 3339 time with an offset, e.g. 2015-08-17T12:00:00+09:00 (encode '+' as %2B)"];
        }
        if (found.Count > 0)
        {
            (range, errors) = (null, found);
            return false;
        }
        (range, errors) = (new TimeRange(from, to, string.IsNullOrEmpty(Host) ? null : Host), null);
        return true;
    }
}
