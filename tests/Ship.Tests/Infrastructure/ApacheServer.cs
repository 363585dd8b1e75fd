using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// Debian's Apache (/usr/sbin/apache2) in the foreground on a loopback port, with a configuration of its own
/// in a temp folder (no /etc/apache2, no envvars): a few pages, and the combined access log a web server
/// writes. Requests come from real curl processes bound to a 127.0.0.x source address.
/// </summary>
public sealed class ApacheServer : IAsyncDisposable
{
    public const string Program = "/usr/sbin/apache2";
    public const string ModulesFolder = "/usr/lib/apache2/modules";
    public const string Curl = "/usr/bin/curl";

    /// <summary>Files /page1.html … /page{PageCount}.html exist; higher numbers are 404.</summary>
    public const int PageCount = 80;

    // The modules this configuration uses: log_config (CustomLog), unixd (User/Group), authz_core (Require),
    // mime (AddType), dir (DirectoryIndex), an MPM. Debian compiles some in; the others are loaded.
    private static readonly string[] Modules = ["mpm_event", "log_config", "unixd", "authz_core", "mime", "dir"];

    private readonly TempFolder _folder = new();
    private Process? _process;

    private readonly string _accessLogName;

    private ApacheServer(string accessLogName) => _accessLogName = accessLogName;

    public int Port { get; } = LoopbackPort.Free();

    public string AccessLogPath => Path.Combine(_folder.Path, _accessLogName);

    private string ErrorLogPath => Path.Combine(_folder.Path, "error.log");

    private string DocumentRoot => Path.Combine(_folder.Path, "www");

    /// <summary>What apache2 printed and its error log, for failure messages.</summary>
    public string Diagnostics => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "(no error log)";

    /// <param name="accessLogName">Debian's access.log, or access_log as Red Hat names it.</param>
    public static async Task<ApacheServer> StartAsync(string accessLogName = "access.log")
    {
        InstalledPrograms.Require("apache2", Program, $"{ModulesFolder}/mod_mpm_event.so");
        InstalledPrograms.Require("curl", Curl);
        var apache = new ApacheServer(accessLogName);
        try
        {
            await apache.RunAsync();
            return apache;
        }
        catch
        {
            await apache.DisposeAsync();
            throw;
        }
    }

    /// <summary>Requests sent through <see cref="ServeAsync"/> so far.</summary>
    public int Sent { get; private set; }

    /// <summary>Lines Apache has written to its access log so far, and to the files it was rotated to (access_log-20150823).</summary>
    public int LoggedRequests() =>
        Directory.GetFiles(_folder.Path, _accessLogName + "*").Sum(file => File.ReadAllLines(file).Length);

    /// <summary>Requests from one client address: curl's URL globbing makes many of one process.</summary>
    public sealed record Requests(string From, string PathGlob, int Count, params string[] CurlOptions);

    /// <summary>Runs the clients side by side (so their lines interleave) and waits until Apache has logged them all; returns <see cref="Sent"/>.</summary>
    public async Task<int> ServeAsync(IReadOnlyCollection<Requests> clients)
    {
        await Task.WhenAll(clients.Select(client => RequestAsync(client.From, client.PathGlob, client.CurlOptions)));
        Sent += clients.Sum(client => client.Count);
        await WaitForLoggedRequestsAsync(Sent);
        return Sent;
    }

    /// <summary>
    /// Runs curl from <paramref name="sourceAddress"/> (127.0.0.x) for <paramref name="pathGlob"/>, a path with
    /// curl's URL globbing (/page[1-300].html: 300 requests over one connection), with more curl options if given.
    /// </summary>
    public async Task RequestAsync(string sourceAddress, string pathGlob, params string[] curlOptions)
    {
        var start = new ProcessStartInfo(Curl);
        foreach (var argument in (string[])["--silent", "--show-error", "--interface", sourceAddress, .. curlOptions,
            $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{pathGlob}"])
        {
            start.ArgumentList.Add(argument);
        }
        // The pages' bodies are read and dropped (with a glob, -o would name only the first URL's file).
        var curl = await Processes.RunAsync(start, TimeSpan.FromSeconds(60));
        Assert.True(curl.ExitCode == 0, $"curl {string.Join(' ', start.ArgumentList)} exited with {curl.ExitCode}: {curl.Stderr}\n{Diagnostics}");
    }

    /// <summary>Waits until the access log holds <paramref name="lines"/> lines: Apache logs a request after answering it, so after curl has exited.</summary>
    public Task WaitForLoggedRequestsAsync(int lines) =>
        Wait.UntilAsync(() => LoggedRequests() >= lines, $"Apache has logged {lines} requests (it has {LoggedRequests()})", () => Diagnostics);

    /// <summary>
    /// SIGHUP, as CentOS 6's <c>service httpd reload</c> (logrotate's postrotate) sends: Apache restarts its children
    /// and opens its logs again, so what it logs next goes to a new file at the path. Returns once it has.
    /// </summary>
    public async Task ReloadAsync()
    {
        var started = Restarts();
        await Processes.SignalAsync(_process!.Id, "HUP");
        await Wait.UntilAsync(() => Restarts() > started, "Apache has reopened its logs after SIGHUP", () => Diagnostics);
    }

    private int Restarts() => Diagnostics.Split("resuming normal operations").Length - 1;

    /// <summary>SIGTERM, as apache2ctl stop sends: the parent stops its children and exits.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            // One that does not stop is killed with its process tree, which holds its children.
            await Processes.TerminateAsync(_process, TimeSpan.FromSeconds(20));
            _process.Dispose();
        }
        _folder.Dispose();
    }

    private async Task RunAsync()
    {
        Directory.CreateDirectory(DocumentRoot);
        await File.WriteAllTextAsync(Path.Combine(DocumentRoot, "index.html"), "<p>index</p>\n");
        for (var page = 1; page <= PageCount; page++)
        {
            await File.WriteAllTextAsync(Path.Combine(DocumentRoot, $"page{page}.html"), $"<p>page {page}</p>\n");
        }
        var runningAsRoot = Environment.UserName == "root";
        if (runningAsRoot)
        {
            // The children serve the pages as www-data, whatever the umask made of the temp folder.
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(_folder.Path, readable);
            File.SetUnixFileMode(DocumentRoot, readable);
        }
        var configPath = Path.Combine(_folder.Path, "httpd.conf");
        await File.WriteAllTextAsync(configPath, await ConfigurationAsync(runningAsRoot));

        var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-DFOREGROUND", "-f", configPath])
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start)!;
        var output = Task.WhenAll(_process.StandardOutput.ReadToEndAsync(), _process.StandardError.ReadToEndAsync());
        // Apache has bound its port before it says so (AH00489), and the backlog holds connections until a child accepts them.
        await Wait.UntilAsync(
            () => _process.HasExited || Diagnostics.Contains("resuming normal operations", StringComparison.Ordinal),
            "Apache has started", () => Diagnostics);
        if (_process.HasExited)
        {
            var printed = await output;
            Assert.Fail($"apache2 exited with {_process.ExitCode}:\n{printed[0]}{printed[1]}\n{Diagnostics}");
        }
    }

    private async Task<string> ConfigurationAsync(bool runningAsRoot)
    {
        var compiledIn = await CompiledInModulesAsync();
        var loads = string.Join('\n', Modules
            .Where(module => !compiledIn.Contains($"mod_{module}.c"))
            .Select(module => $"LoadModule {module}_module {ModulesFolder}/mod_{module}.so"));
        // An empty TypesConfig: /etc/mime.types belongs to another package; the one type needed is added below.
        var types = Path.Combine(_folder.Path, "mime.types");
        await File.WriteAllTextAsync(types, "");
        return $$"""
            ServerRoot "{{_folder.Path}}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{{Port.ToString(CultureInfo.InvariantCulture)}}
            {{loads}}
            {{(runningAsRoot ? "User www-data\nGroup www-data" : "")}}
            PidFile "{{_folder.Path}}/apache2.pid"
            DefaultRuntimeDir "{{_folder.Path}}"
            Mutex file:{{_folder.Path}} default
            ErrorLog "{{ErrorLogPath}}"
            LogLevel warn
            TypesConfig "{{types}}"
            AddType text/html .html
            DocumentRoot "{{DocumentRoot}}"
            <Directory />
              Require all denied
            </Directory>
            <Directory "{{DocumentRoot}}">
              Require all granted
            </Directory>
            DirectoryIndex index.html
            # Debian's combined format (apache2.conf).
            LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
            CustomLog "{{AccessLogPath}}" combined

            """;
    }

    private static async Task<string> CompiledInModulesAsync()
    {
        return (await Processes.RunAsync(new ProcessStartInfo(Program, ["-l"]))).Stdout;
    }
}
