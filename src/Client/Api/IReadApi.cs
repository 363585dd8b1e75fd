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

    Task<TrafficResponse> GetTrafficAsync(string rangeQuery, int top, CancellationToken ct);

    Task<List<IpSummary>> GetIpsAsync(string rangeQuery, int limit, CancellationToken ct);

    /// <summary>Null when the address sent nothing in the range.</summary>
    Task<IpDetail?> GetIpAsync(string ip, string rangeQuery, CancellationToken ct);

    Task<RequestPage> GetRequestsAsync(string ip, string rangeQuery, string? before, int limit, CancellationToken ct);

    Task<List<MemoryPoint>> GetMemoryAsync(string rangeQuery, CancellationToken ct);

    Task<List<HostEventItem>> GetEventsAsync(string rangeQuery, CancellationToken ct);

    /// <summary>Who is signed in, or null.</summary>
    Task<SessionInfo?> GetSessionAsync(CancellationToken ct);
}
