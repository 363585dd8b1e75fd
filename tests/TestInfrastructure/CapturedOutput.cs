using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// What processes print on stdout and stderr, line by line as they print it: for failure messages, and to
/// wait for a line that says something has happened.
/// </summary>
public sealed class CapturedOutput
{
    private readonly StringBuilder _text = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Seen)> _waiters = [];
    private readonly Action<string>? _echo;

    /// <param name="echo">Also given every line as it comes (to show a process's output as it runs).</param>
    public CapturedOutput(Action<string>? echo = null) => _echo = echo;

    /// <summary>Everything printed so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="start"/> (its output redirected) and captures what it prints.</summary>
    public Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The first line, already printed or still to come, that matches <paramref name="pattern"/>.</summary>
    public Task<Match> LineAsync(Regex pattern)
    {
        var seen = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            foreach (var line in _text.ToString().Split('\n'))
            {
                if (pattern.Match(line.TrimEnd('\r')) is { Success: true } match)
                {
                    seen.TrySetResult(match);
                    return seen.Task;
                }
            }
            _waiters.Add((pattern, seen));
        }
        return seen.Task;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_text)
        {
            _text.AppendLine(line);
            // Continuations run asynchronously (the sources say so): none runs under this lock.
            _waiters.RemoveAll(waiter => waiter.Pattern.Match(line) is { Success: true } match && waiter.Seen.TrySetResult(match));
        }
        _echo?.Invoke(line);
    }
}
