using Dashboard.Shared;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>Requests and bytes per client address as one line of text: two counts compared this way name the address that is off.</summary>
public static class IpCounts
{
    public static string Describe(IEnumerable<(string Ip, long Requests, long Bytes)> counts) =>
        string.Join("; ", counts.OrderBy(count => count.Ip, StringComparer.Ordinal).Select(count => $"{count.Ip} {count.Requests} requests {count.Bytes} bytes"))
        + $"; total {counts.Sum(count => count.Requests)} requests";

    public static string Describe(IEnumerable<IpSummary> ips) => Describe(ips.Select(ip => (ip.Ip, ip.Requests, ip.Bytes)));
}
