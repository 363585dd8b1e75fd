using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>
/// Posts a message to a webhook. With a secret, it carries <c>X-Dashboard-Signature: t=UNIX,v1=HEX</c>: the
/// HMAC-SHA256, keyed by the secret, of the time, a dot and the body, so a receiver can check it came from
/// here, unchanged and recently (the README shows how).
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const string ClientName = "webhooks";
    public const string SignatureHeader = "X-Dashboard-Signature";

    public async Task<(bool Delivered, int? Status, string? Error)> SendAsync(Data.WebhookRow webhook, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (!string.IsNullOrEmpty(webhook.Secret))
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, Signature(webhook.Secret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (true, status, null) : (false, status, $"answered {status}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return (false, null, e is OperationCanceledException ? $"no answer within {options.Value.Timeout.TotalSeconds:0} s" : e.Message);
        }
    }

    public static string Signature(string secret, long unixSeconds, byte[] body)
    {
        var time = unixSeconds.ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.ASCII.GetBytes(time + "."), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={time},v1={Convert.ToHexStringLower(mac)}";
    }
}
