using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Client.State;

namespace Dashboard.Client.Tests.Pages;

/// <summary>
/// Answers by path, each path's answers in the order they were scripted (the last one repeats); a held
/// answer waits until the test releases it.
/// </summary>
internal sealed class ScriptedApi : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<Task<object>>>> _answers = new();
    private readonly ConcurrentDictionary<Task, bool> _served = new();

    public void Answer(string path, object body) => Script(path, () => Task.FromResult(body));

    /// <summary>Answers only this from now on, whatever was scripted for the path before.</summary>
    public void AnswerInstead(string path, object body)
    {
        _answers.TryRemove(path, out _);
        Answer(path, body);
    }

    public TaskCompletionSource<object> Hold(string path)
    {
        var held = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        Script(path, async () =>
        {
            var body = await held.Task;
            _served[held.Task] = true;
            return body;
        });
        return held;
    }

    public bool Served(TaskCompletionSource<object> held) => _served.ContainsKey(held.Task);

    private readonly ConcurrentDictionary<string, int> _requests = new();

    private readonly ConcurrentDictionary<string, string> _lastQueries = new();

    /// <summary>How many requests the API was sent for a path.</summary>
    public int RequestsTo(string path) => _requests.GetValueOrDefault(path);

    /// <summary>The query string (without '?') of the latest request for a path, or null before the first.</summary>
    public string? LastQuery(string path) => _lastQueries.GetValueOrDefault(path);

    private void Script(string path, Func<Task<object>> answer) => _answers.GetOrAdd(path, _ => new()).Enqueue(answer);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.TrimStart('/'));
        _lastQueries[path] = request.RequestUri.Query.TrimStart('?');
        _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        if (!_answers.TryGetValue(path, out var answers) || !answers.TryPeek(out var answer))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        if (answers.Count > 1)
        {
            answers.TryDequeue(out answer);
        }
        var body = await answer!();
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(body, body.GetType()) };
    }
}

internal sealed class KnownBrowser : IOperatorBrowser
{
    public TimeZoneInfo? TimeZone { get; set; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public bool? Dark => true;
}
