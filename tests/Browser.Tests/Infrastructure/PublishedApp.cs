using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Browser.Tests.Infrastructure;

/// <summary>
/// The dashboard as an operator runs it: <c>dotnet publish</c>ed once, started from its publish folder with
/// the <c>demo</c> command (the built-in 2015 incident), its embedded PostgreSQL in a short temp folder.
/// </summary>
public sealed partial class PublishedApp : IAsyncDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly string _root;
    private readonly string _appFolder;
    private readonly string _dataFolder;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _demoLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _server;

    private PublishedApp(string root, string adminPassword)
    {
        _root = root;
        _appFolder = Path.Combine(root, "app");
        _dataFolder = Path.Combine(root, "data");
        AdminPassword = adminPassword;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The link the demo printed: the overview of the incident's hour on host hoge, in the host's zone.</summary>
    public Uri DemoLink { get; private set; } = null!;

    public string AdminPassword { get; }

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

    /// <summary>Publishes the server (Release) and runs <c>demo</c> until the incident is loaded.</summary>
    public static async Task<PublishedApp> StartDemoAsync()
    {
        // Short: the embedded PostgreSQL puts its unix socket in the data folder (~107 bytes at most).
        var root = Path.Combine(Path.GetTempPath(), "aid-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var app = new PublishedApp(root, "browser-" + Guid.NewGuid().ToString("N"));
        try
        {
            await app.PublishAsync();
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command of the published executable against the running server's data folder (it reuses its cluster).</summary>
    public async Task<string> RunCommandAsync(params string[] arguments)
    {
        var start = AppStartInfo(arguments);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        return (await stdout).Trim();
    }

    private async Task PublishAsync()
    {
        var repository = RepositoryRoot();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repository,
        };
        foreach (var argument in (string[])["publish", Path.Combine("src", "Server"), "-c", "Release", "-o", _appFolder,
            "--nologo", "-v", "quiet", "--disable-build-servers"])
        {
            start.ArgumentList.Add(argument);
        }
        // The test host runs under dotnet test, whose MSBuild variables would point this build at the wrong SDK parts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish took longer than {PublishTimeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish src/Server failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_dataFolder);
        _server = Process.Start(AppStartInfo(["demo", "--urls", "http://127.0.0.1:0"]))!;
        _server.OutputDataReceived += Collect;
        _server.ErrorDataReceived += Collect;
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var ready = Task.WhenAll(_listening.Task, _demoLoaded.Task);
        var first = await Task.WhenAny(ready, _server.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (first != ready)
        {
            throw new InvalidOperationException(
                (_server.HasExited ? $"the demo exited with {_server.ExitCode}" : $"the demo did not load its incident within {StartTimeout}") + ":\n" + Output);
        }
        BaseAddress = await _listening.Task;
        DemoLink = new Uri(await _demoLoaded.Task);
    }

    private void Collect(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not { } line)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups[1].Value + "/"));
        }
        else if (DemoLine().Match(line) is { Success: true } demo)
        {
            _demoLoaded.TrySetResult(demo.Groups[1].Value);
        }
    }

    private ProcessStartInfo AppStartInfo(IEnumerable<string> arguments)
    {
        // From the publish folder, as an operator starts it, so that its appsettings.json applies.
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _appFolder,
        };
        start.ArgumentList.Add("Server.dll");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DASHBOARD_DATA_DIR"] = _dataFolder;
        start.Environment["DASHBOARD_ADMIN_PASSWORD"] = AdminPassword;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ConnectionStrings__Dashboard");
        start.Environment.Remove("ASPNETCORE_URLS");
        return start;
    }

    /// <summary>The folder holding Dashboard.sln, above this test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Dashboard.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Stops the server as a service manager does (SIGTERM); it stops its PostgreSQL on the way out.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is { HasExited: false })
            {
                using (var kill = Process.Start("kill", ["-TERM", _server.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try
                {
                    await _server.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _server.Kill(entireProcessTree: true);
                }
            }
            await StopStrayClusterAsync();
        }
        finally
        {
            _server?.Dispose();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // a file still held by a process that is exiting: /tmp is cleaned eventually
            }
        }
    }

    // Had the server died without stopping its cluster, the postmaster would outlive the test run.
    private async Task StopStrayClusterAsync()
    {
        foreach (var pidFile in Directory.Exists(_dataFolder) ? Directory.EnumerateFiles(_dataFolder, "postmaster.pid", SearchOption.AllDirectories) : [])
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) && IsPostgres(pid))
            {
                // SIGINT is PostgreSQL's fast shutdown.
                using var stop = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
                await stop.WaitForExitAsync();
                for (var i = 0; i < 100 && File.Exists(pidFile); i++)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // gone already
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^Demo incident loaded: open (\S+)$")]
    private static partial Regex DemoLine();
}
