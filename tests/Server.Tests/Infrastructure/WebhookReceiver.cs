using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>A webhook receiver on a loopback port: keeps every message (body and headers) and answers as told.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _messages = new();
    private readonly ConcurrentDictionary<string, int> _failuresToGive = new(StringComparer.Ordinal);

    /// <param name="At">When it came, by the clock the receiver was given (the server's, in tests that move it).</param>
    public sealed record Received(JsonNode Body, byte[] Raw, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At);

    private readonly TimeProvider _clock;

    private WebhookReceiver(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
    }

    public string Url { get; private set; } = "";

    /// <summary>Every message taken so far (those answered with a failure are not).</summary>
    public IReadOnlyList<Received> Messages => [.. _messages];

    public static async Task<WebhookReceiver> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, clock ?? TimeProvider.System);
        app.MapPost("/hook", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single().TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> requests whose body holds <paramref name="marker"/> are answered 500.</summary>
    public void FailNext(int count, string marker) => _failuresToGive[marker] = count;

    /// <summary>When requests whose body held <paramref name="marker"/> came, failed ones included.</summary>
    public List<DateTimeOffset> AttemptsWith(string marker)
    {
        lock (_attempts)
        {
            return [.. _attempts.Where(a => a.Text.Contains(marker, StringComparison.Ordinal)).Select(a => a.At)];
        }
    }

    private readonly List<(string Text, DateTimeOffset At)> _attempts = [];

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        var text = System.Text.Encoding.UTF8.GetString(raw);
        lock (_attempts)
        {
            _attempts.Add((text, _clock.GetUtcNow()));
            foreach (var (marker, left) in _failuresToGive)
            {
                if (left > 0 && text.Contains(marker, StringComparison.Ordinal))
                {
                    _failuresToGive[marker] = left - 1;
                    return Results.StatusCode((int)HttpStatusCode.InternalServerError);
                }
            }
        }
        _messages.Enqueue(new Received(JsonNode.Parse(raw)!, raw,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), _clock.GetUtcNow()));
        return Results.Ok();
    }

    public async Task<Received> WaitForAsync(Func<Received, bool> message, string what)
    {
        Received? found = null;
        await Wait.UntilAsync(() => (found = _messages.FirstOrDefault(message)) is not null, what);
        return found!;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
