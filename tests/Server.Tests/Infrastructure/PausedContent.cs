using System.Net;
using System.Net.Http.Headers;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>A request body sent in two parts, with a pause between them that the test ends: a shipper mid-upload.</summary>
public sealed class PausedContent : HttpContent
{
    private readonly byte[] _body;
    private readonly int _pauseAt;
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PausedContent(byte[] body, int pauseAt, string contentType = "text/plain")
    {
        _body = body;
        _pauseAt = pauseAt;
        Headers.ContentType = new MediaTypeHeaderValue(contentType);
    }

    /// <summary>Completes once the first part has been sent.</summary>
    public Task Paused => _paused.Task;

    public void Resume() => _resumed.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_body.AsMemory(0, _pauseAt));
        await stream.FlushAsync();
        _paused.TrySetResult();
        await _resumed.Task;
        await stream.WriteAsync(_body.AsMemory(_pauseAt));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
