using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>The test server on a real loopback socket, for shippers that run as processes (syslog-ng, collectd).</summary>
public sealed class KestrelDashboardApp : DashboardApp
{
    public KestrelDashboardApp() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    // Real shippers stamp what they send with the real time, which the server accepts only near its own.
    protected override TimeProvider ServerClock => TimeProvider.System;

    /// <summary>A client over a real loopback connection, authorised by <paramref name="token"/>.</summary>
    public HttpClient SocketClientWithToken(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A browser over a real loopback connection, signed in as the first operator.</summary>
    public async Task<HttpClient> SocketOperatorClientAsync()
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        var response = await client.PostAsync(new Uri("/api/v1/session", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new Dashboard.Shared.LoginRequest("admin", AdminPassword)));
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>http://127.0.0.1:PORT, no trailing slash.</summary>
    public string Url => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
        .Single().TrimEnd('/');
}
