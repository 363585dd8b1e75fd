using System.Net;
using System.Net.Http.Json;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Api;

/// <summary>
/// The browser's way to the server: typed calls returning the Shared records. A 401 sends the
/// operator to sign in (and back here afterwards); an unreachable or failing API is an
/// <see cref="ApiUnavailableException"/> the page shows, then retries.
/// </summary>
public sealed class DashboardApiClient(HttpClient http, NavigationManager navigation) : IReadApi
{
    /// <summary>The header the server requires on state-changing calls made with the session cookie.</summary>
    public const string RequestHeader = "X-Dashboard-Request";

    public Task<List<HostInfo>> GetHostsAsync(CancellationToken ct) => GetAsync<List<HostInfo>>("api/v1/hosts", ct)!;

    public Task<TrafficResponse> GetTrafficAsync(TimeRange range, int top, CancellationToken ct) =>
        GetAsync<TrafficResponse>($"api/v1/traffic?{range.ToQuery()}&top={top}", ct)!;

    public Task<List<IpSummary>> GetIpsAsync(TimeRange range, int limit, CancellationToken ct) =>
        GetAsync<List<IpSummary>>($"api/v1/ips?{range.ToQuery()}&limit={limit}&sparklines=1", ct)!;

    public Task<IpDetail?> GetIpAsync(string ip, TimeRange range, CancellationToken ct) =>
        GetAsync<IpDetail>($"api/v1/ips/{Uri.EscapeDataString(ip)}?{range.ToQuery()}", ct, notFoundIsNull: true);

    public Task<RequestPage> GetRequestsAsync(string ip, TimeRange range, string? before, int limit, CancellationToken ct) =>
        GetAsync<RequestPage>($"api/v1/ips/{Uri.EscapeDataString(ip)}/requests?{range.ToQuery()}&limit={limit}"
            + (before is null ? "" : "&before=" + Uri.EscapeDataString(before)), ct)!;

    public Task<List<MemoryPoint>> GetMemoryAsync(TimeRange range, CancellationToken ct) =>
        GetAsync<List<MemoryPoint>>($"api/v1/memory?{range.ToQuery()}", ct)!;

    public Task<List<HostEventItem>> GetEventsAsync(TimeRange range, CancellationToken ct) =>
        GetAsync<List<HostEventItem>>($"api/v1/events?{range.ToQuery()}", ct)!;

    public Task<List<AlertItem>> GetAlertsAsync(TimeRange range, AlertCriteria criteria, CancellationToken ct) =>
        GetAsync<List<AlertItem>>($"api/v1/alerts?{ViewQuery(range.ToQuery(), criteria.ToQuery())}", ct)!;

    public async Task<SessionInfo?> GetSessionAsync(CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/session"), ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SessionInfo>(ct) : null;
    }

    public async Task<SignInResult> SignInAsync(string name, string password, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/session") { Content = JsonContent.Create(new LoginRequest(name, password)) }, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.OK => SignInResult.SignedIn,
            HttpStatusCode.TooManyRequests => SignInResult.TooManyAttempts,
            HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest => SignInResult.WrongCredentials,
            _ => throw new ApiUnavailableException($"the server answered {(int)response.StatusCode}"),
        };
    }

    public async Task SignOutAsync(CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, "api/v1/session"), ct);
    }

    public Task<List<TokenInfo>> GetTokensAsync(CancellationToken ct) => GetAsync<List<TokenInfo>>("api/v1/admin/tokens", ct)!;

    /// <summary>The new host's first ingest token, or the reasons it was refused.</summary>
    public Task<(IssuedToken? Token, string? Error)> AddHostAsync(HostRequest host, CancellationToken ct) =>
        PostAsync<IssuedToken>("api/v1/admin/hosts", host, ct);

    public Task<(IssuedToken? Token, string? Error)> AddIngestTokenAsync(string host, CancellationToken ct) =>
        PostAsync<IssuedToken>($"api/v1/admin/hosts/{Uri.EscapeDataString(host)}/tokens", new { }, ct);

    public Task<(IssuedToken? Token, string? Error)> AddReadTokenAsync(string name, CancellationToken ct) =>
        PostAsync<IssuedToken>("api/v1/admin/tokens", new ReaderRequest(name), ct);

    public async Task RevokeTokenAsync(int id, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/admin/tokens/{id}"), ct);
        Ensure(response);
    }

    private static string ViewQuery(string range, string more) => more.Length == 0 ? range : range + "&" + more;

    private async Task<T?> GetAsync<T>(string uri, CancellationToken ct, bool notFoundIsNull = false)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), ct);
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
        Ensure(response);
        return await response.Content.ReadFromJsonAsync<T>(ct);
    }

    private async Task<(T? Value, string? Error)> PostAsync<T>(string uri, object body, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) }, ct);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(ct);
            return (default, problem?.Errors?.Values.SelectMany(e => e).FirstOrDefault() ?? problem?.Detail ?? "refused");
        }
        Ensure(response);
        return (await response.Content.ReadFromJsonAsync<T>(ct), null);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Add(RequestHeader, "1");
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ApiUnavailableException(e.Message);
        }
        finally
        {
            request.Dispose();
        }
    }

    private void Ensure(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            navigation.NavigateToSignIn();
            throw new SignInRequiredException();
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiUnavailableException($"the server answered {(int)response.StatusCode}");
        }
    }

    private sealed record ProblemBody(string? Detail, Dictionary<string, string[]>? Errors);
}

public enum SignInResult
{
    SignedIn,
    WrongCredentials,
    TooManyAttempts,
}

/// <summary>The API cannot be reached or failed; the page says so and tries again.</summary>
public sealed class ApiUnavailableException(string message) : Exception(message);

/// <summary>The session ended; the browser is already on its way to the sign-in page.</summary>
public sealed class SignInRequiredException() : Exception("sign in required");
