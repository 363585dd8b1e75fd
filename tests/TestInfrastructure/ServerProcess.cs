using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Tests.Infrastructure;

/// <summary>The product's executable run as a user runs it: a command, or the server in the background.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly string ServerDll = Path.Combine(AppContext.BaseDirectory, "Server.dll");
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Seen)> _waiters = [];

    private ServerProcess(Process process) => _process = process;

    public Uri? BaseAddress { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs one command to completion.</summary>
    public static async Task<CommandResult> RunCommandAsync(string dataDirectory, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(dataDirectory, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the server (or a command that serves, such as <c>demo</c>) on a free loopback port and waits until it listens.</summary>
    public static async Task<ServerProcess> StartServerAsync(string dataDirectory, params string[] command)
    {
        var server = new ServerProcess(Process.Start(StartInfo(dataDirectory, [.. command, "--urls", "http://127.0.0.1:0"]))!);
        var listening = server.WaitForOutputAsync(ListeningPattern());
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            List<(Regex Pattern, TaskCompletionSource<Match> Seen)> waiters;
            lock (server._output)
            {
                server._output.AppendLine(e.Data);
                waiters = [.. server._waiters];
            }
            foreach (var (pattern, seen) in waiters)
            {
                if (pattern.Match(e.Data) is { Success: true } match)
                {
                    seen.TrySetResult(match);
                }
            }
        }
        server._process.OutputDataReceived += Collect;
        server._process.ErrorDataReceived += Collect;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var started = await Task.WhenAny(listening, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (started != listening)
        {
            throw new InvalidOperationException("the server did not start listening:\n" + server.Output);
        }
        server.BaseAddress = new Uri(listening.Result.Groups[1].Value);
        return server;
    }

    /// <summary>The first line of output (stdout or stderr), already written or still to come, that matches <paramref name="pattern"/>.</summary>
    public Task<Match> WaitForOutputAsync(Regex pattern)
    {
        var seen = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
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

    /// <summary>Stops the server as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(timeout.Token);
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the server with SIGKILL (the OOM killer, a power cut): it gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await StopAsync();
        }
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DASHBOARD_DATA_DIR"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ConnectionStrings__Dashboard");
        return start;
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);
