using Dashboard.Shared;

namespace Dashboard.Client.Api;

/// <summary>
/// What the dashboard's pages read. In the browser, the HTTP API (<see cref="DashboardApiClient"/>); on the
/// server, while it draws a page before WebAssembly has started, the same queries in-process. A signed-out
/// operator is sent to sign in (<see cref="SignInRequiredException"/>); a failing API is an
/// <see cref="ApiUnavailableException"/>.
/// </summary>
public interface IReadApi
{
    Task<List<HostInfo>> GetHostsAsync(CancellationToken ct);

    Task<TrafficResponse> GetTrafficAsync(TimeRange range, int top, CancellationToken ct);

    /// <summary>The busiest addresses, with their sparklines.</summary>
    Task<List<IpSummary>> GetIpsAsync(TimeRange range, int limit, CancellationToken ct);

    /// <summary>Null when the address sent nothing in the range.</summary>
    Task<IpDetail?> GetIpAsync(string ip, TimeRange range, CancellationToken ct);

    Task<RequestPage> GetRequestsAsync(string ip, TimeRange range, string? before, int limit, CancellationToken ct);

    Task<List<MemoryPoint>> GetMemoryAsync(TimeRange range, CancellationToken ct);

    Task<List<HostEventItem>> GetEventsAsync(TimeRange range, CancellationToken ct);

    /// <summary>The alerts that held in the range, newest first, as the criteria narrow them.</summary>
    Task<List<AlertItem>> GetAlertsAsync(TimeRange range, AlertCriteria criteria, CancellationToken ct);

    /// <summary>Who is signed in, or null.</summary>
    Task<SessionInfo?> GetSessionAsync(CancellationToken ct);
}
