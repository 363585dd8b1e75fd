using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The product's executable run as an operator runs it (<c>dotnet Server.dll</c>): a command to its end, or the
/// server in the background on a loopback port, stopped as a service manager stops it. The one way the tests,
/// the benchmarks and the screenshot command start it; <see cref="ServerLaunch"/> says which and how.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    /// <summary>How long the server may take to listen, and a command to finish (a first start creates its PostgreSQL cluster).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly CapturedOutput _output;

    private ServerProcess(Process process, CapturedOutput output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    /// <summary>Where it listens: <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    /// <summary>What it has printed so far, stdout and stderr.</summary>
    public string Output => _output.Text;

    /// <summary>Runs one command to completion, with the built executable and its embedded PostgreSQL in <paramref name="dataDirectory"/>.</summary>
    public static Task<CommandResult> RunCommandAsync(string dataDirectory, params string[] arguments) =>
        RunCommandAsync(ServerLaunch.Built(dataDirectory), arguments);

    /// <summary>Runs one command to completion.</summary>
    public static Task<CommandResult> RunCommandAsync(ServerLaunch launch, params string[] arguments) =>
        Processes.RunAsync(launch.StartInfo(arguments), StartTimeout);

    /// <summary>Runs a command that must succeed, and returns what it printed on stdout (a token, say), trimmed.</summary>
    public static async Task<string> RunCheckedAsync(ServerLaunch launch, params string[] arguments) =>
        (await RunCommandAsync(launch, arguments)).EnsureSuccess($"'{string.Join(' ', arguments)}'").Stdout.Trim();

    /// <summary>Starts the built server (or a command that serves, such as <c>demo</c>) with its embedded PostgreSQL in <paramref name="dataDirectory"/>.</summary>
    public static Task<ServerProcess> StartServerAsync(string dataDirectory, params string[] command) =>
        StartServerAsync(ServerLaunch.Built(dataDirectory), command);

    /// <summary>Starts the server (or a command that serves) on a loopback port and waits until it listens.</summary>
    public static async Task<ServerProcess> StartServerAsync(ServerLaunch launch, params string[] command)
    {
        var output = new CapturedOutput(launch.Echo);
        var process = output.Start(launch.StartInfo([.. command, "--urls", $"http://127.0.0.1:{launch.Port}"]));
        try
        {
            var listening = await LineAsync(process, output, ListeningLine(), StartTimeout);
            return new ServerProcess(process, output, new Uri(listening.Groups[1].Value));
        }
        catch
        {
            await Processes.TerminateAsync(process, StopTimeout);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first line of output (stdout or stderr), already printed or still to come, that matches <paramref name="pattern"/>;
    /// fails, with the output, if the server exits first or none comes within <paramref name="timeout"/> (default <see cref="StartTimeout"/>).
    /// </summary>
    public Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan? timeout = null) =>
        LineAsync(_process, _output, pattern, timeout ?? StartTimeout);

    /// <summary>Stops the server as a service manager would (SIGTERM), waits for it to exit and returns its exit code; fails if it does not stop.</summary>
    public async Task<int> StopAsync()
    {
        if (!await Processes.TerminateAsync(_process, StopTimeout))
        {
            throw new TimeoutException($"the server did not stop within {StopTimeout} of SIGTERM, and was killed:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the server with SIGKILL (the OOM killer, a power cut): it gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops it (SIGTERM) if it still runs; one that does not stop is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        await Processes.TerminateAsync(_process, StopTimeout);
        _process.Dispose();
    }

    private static async Task<Match> LineAsync(Process process, CapturedOutput output, Regex pattern, TimeSpan timeout)
    {
        var line = output.LineAsync(pattern);
        var exited = process.WaitForExitAsync();
        await Task.WhenAny(line, exited, Task.Delay(timeout));
        if (line.IsCompleted)
        {
            return await line;
        }
        var why = exited.IsCompleted ? $"the server exited with {process.ExitCode}" : $"the server printed no line matching '{pattern}' within {timeout}";
        throw new InvalidOperationException($"{why}:\n{output.Text}");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
