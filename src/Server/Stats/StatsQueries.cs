using System.Net;
using Dashboard.Server.Data;
using Dashboard.Server.Detection;
using Dashboard.Server.MemoryEvents;
using Dashboard.Shared;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Stats;

/// <summary>
/// The read API's queries, for its HTTP endpoints (<see cref="StatsApi"/>) and for the pages the server draws
/// (<see cref="Components.InProcessReadApi"/>) alike: each checks what it is asked and answers with the Shared
/// records, or with the reasons it cannot. One per scope, as it reads hosts through the scope's DbContext.
/// </summary>
internal sealed class StatsQueries(
    DashboardDb db, ReadRanges ranges, TrafficQuery traffic, IpListQuery ipList, IpDetailQuery ipDetail,
    IpRequestsQuery ipRequests, MemoryQuery memory, HostEventsQuery hostEvents, AlertQueries alerts)
{
    public async Task<List<HostInfo>> HostsAsync(CancellationToken ct) =>
        await db.Hosts.AsNoTracking().OrderBy(h => h.Name)
            .Select(h => new HostInfo(h.Name, h.TimeZone, h.LogFormat, h.LastSeenAt == null ? null : new DateTimeOffset(h.LastSeenAt.Value)))
            .ToListAsync(ct);

    public async Task<ReadAnswer<TrafficResponse>> TrafficAsync(TimeRange range, int? top, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        CheckCount(ref errors, "top", top, TrafficQuery.MaxTop);
        return errors is not null
            ? ReadAnswer<TrafficResponse>.Refused(errors)
            : new(await traffic.GetAsync(read!, top ?? TrafficQuery.DefaultTop, ct));
    }

    public async Task<ReadAnswer<List<IpSummary>>> IpsAsync(TimeRange range, int? limit, bool withSparklines, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        CheckCount(ref errors, "limit", limit, IpListQuery.MaxLimit);
        return errors is not null
            ? ReadAnswer<List<IpSummary>>.Refused(errors)
            : new(await ipList.GetAsync(read!, limit ?? IpListQuery.DefaultLimit, withSparklines, ct));
    }

    /// <summary>No value when the address sent nothing in the range.</summary>
    public async Task<ReadAnswer<IpDetail>> IpAsync(string ip, TimeRange range, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        var address = ParseIp(ip, ref errors);
        return errors is not null ? ReadAnswer<IpDetail>.Refused(errors) : new(await ipDetail.GetAsync(address!, read!, ct));
    }

    /// <param name="before">The <see cref="RequestPage.Next"/> of the page before, if any.</param>
    public async Task<ReadAnswer<RequestPage>> IpRequestsAsync(string ip, TimeRange range, int? limit, string? before, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        var address = ParseIp(ip, ref errors);
        CheckCount(ref errors, "limit", limit, IpRequestsQuery.MaxLimit);
        RequestCursor? cursor = null;
        if (before is not null && !RequestCursor.TryParse(before, out cursor))
        {
            (errors ??= [])["before"] = ["must be the 'next' value of a previous page"];
        }
        return errors is not null
            ? ReadAnswer<RequestPage>.Refused(errors)
            : new(await ipRequests.GetAsync(address!, read!, cursor, limit ?? IpRequestsQuery.DefaultLimit, ct));
    }

    /// <summary>All of one address's requests in the range, as CSV, to be written out.</summary>
    public async Task<ReadAnswer<RequestsCsv>> IpRequestsCsvAsync(string ip, TimeRange range, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        var address = ParseIp(ip, ref errors);
        return errors is not null ? ReadAnswer<RequestsCsv>.Refused(errors) : new(new RequestsCsv(ipRequests, address!, read!));
    }

    public async Task<ReadAnswer<List<MemoryPoint>>> MemoryAsync(TimeRange range, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        return errors is not null ? ReadAnswer<List<MemoryPoint>>.Refused(errors) : new(await memory.GetAsync(read!, ct));
    }

    public async Task<ReadAnswer<List<HostEventItem>>> EventsAsync(TimeRange range, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        return errors is not null ? ReadAnswer<List<HostEventItem>>.Refused(errors) : new(await hostEvents.GetAsync(read!, ct));
    }

    /// <summary>The alerts whose time overlaps the range (a firing one reaches to now), newest first, as the criteria narrow them.</summary>
    public async Task<ReadAnswer<List<AlertItem>>> AlertsAsync(TimeRange range, AlertCriteria criteria, CancellationToken ct)
    {
        var (read, errors) = await ranges.ResolveAsync(range, ct);
        CheckOneOf(ref errors, "rule", criteria.Rule, AlertRules.All);
        CheckOneOf(ref errors, "severity", criteria.Severity, AlertSeverities.All);
        CheckOneOf(ref errors, "state", criteria.State, AlertStates.All);
        var address = criteria.Ip is null ? null : ParseIp(criteria.Ip, ref errors);
        if (errors is not null)
        {
            return ReadAnswer<List<AlertItem>>.Refused(errors);
        }
        var filter = new AlertFilter(criteria.Rule, criteria.Severity, criteria.State is null ? null : criteria.State == AlertStates.Firing, address);
        return new(await alerts.ListAsync(read!, filter, ct));
    }

    private static void CheckOneOf(ref Dictionary<string, string[]>? errors, string name, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            (errors ??= [])[name] = [$"must be one of {string.Join(", ", allowed)}"];
        }
    }

    private static void CheckCount(ref Dictionary<string, string[]>? errors, string name, int? value, int max)
    {
        if (value is < 1 || value > max)
        {
            (errors ??= [])[name] = [$"must be between 1 and {max}"];
        }
    }

    private static IPAddress? ParseIp(string text, ref Dictionary<string, string[]>? errors)
    {
        // IPAddress.TryParse also takes legacy forms ("10.1" is 10.0.0.1): an IPv4 address must be a dotted quad.
        var isDottedQuad = text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');
        if (IPAddress.TryParse(text, out var address) && !text.Contains('%', StringComparison.Ordinal)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || isDottedQuad))
        {
            // An IPv4 address written as IPv6 (::ffff:1.2.3.4) is stored as the IPv4 address.
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }
        (errors ??= [])["ip"] = ["must be an IPv4 or IPv6 address"];
        return null;
    }
}
