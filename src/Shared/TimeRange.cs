using System.Globalization;

namespace Dashboard.Shared;

/// <summary>What a read endpoint reads: [<paramref name="From"/>, <paramref name="To"/>) at one host, or at every host.</summary>
/// <param name="To">Exclusive.</param>
/// <param name="Host">A host's name (<see cref="HostInfo.Name"/>); null for every host.</param>
public sealed record TimeRange(DateTimeOffset From, DateTimeOffset To, string? Host = null)
{
    /// <summary>
    /// The query string the read endpoints take for this range (without '?'): <c>from</c> and <c>to</c> in
    /// RFC 3339 with their offset and every digit of their fraction (none when whole seconds), and <c>host</c>
    /// when there is one.
    /// </summary>
    public string ToQuery()
    {
        var query = $"from={Uri.EscapeDataString(Rfc3339(From))}&to={Uri.EscapeDataString(Rfc3339(To))}";
        return Host is null ? query : query + "&host=" + Uri.EscapeDataString(Host);
    }

    private static string Rfc3339(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);
}
