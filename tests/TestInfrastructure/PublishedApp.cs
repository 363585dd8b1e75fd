using System.Text.RegularExpressions;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The dashboard as an operator runs it: <c>dotnet publish</c>ed, started from its publish folder with the
/// <c>demo</c> command (the built-in 2015 incident), its embedded PostgreSQL in a short temp folder.
/// </summary>
public sealed partial class PublishedApp : IAsyncDisposable
{
    // Loading the incident comes after listening, and takes a while on a cold cluster.
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromSeconds(120);

    // Short: the embedded PostgreSQL puts its unix socket in the data folder (~107 bytes at most).
    private readonly TempFolder _root = new();
    private ServerProcess? _server;

    private PublishedApp()
    {
        AdminPassword = "published-" + Guid.NewGuid().ToString("N");
        // From the publish folder, as an operator starts it, so that its appsettings.json applies.
        Launch = new ServerLaunch(Path.Combine(_root.Path, "app"))
        {
            DataDirectory = Path.Combine(_root.Path, "data"),
            Environment = new Dictionary<string, string> { ["DASHBOARD_ADMIN_PASSWORD"] = AdminPassword },
        };
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => _server!.BaseAddress;

    /// <summary>The link the demo printed: the overview of the incident's hour on host hoge, in the host's zone.</summary>
    public Uri DemoLink { get; private set; } = null!;

    public string AdminPassword { get; }

    public string Output => _server?.Output ?? "";

    private ServerLaunch Launch { get; }

    /// <summary>Publishes the server (Release) and runs <c>demo</c> until the incident is loaded.</summary>
    public static async Task<PublishedApp> StartDemoAsync()
    {
        var app = new PublishedApp();
        try
        {
            await ServerPublish.PublishAsync(app.Launch.Folder);
            Directory.CreateDirectory(app.Launch.DataDirectory!);
            app._server = await ServerProcess.StartServerAsync(app.Launch, "demo");
            app.DemoLink = new Uri((await app._server.WaitForOutputAsync(DemoLine(), DemoTimeout)).Groups[1].Value);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command of the published executable against the running server's data folder (it reuses its cluster).</summary>
    public Task<string> RunCommandAsync(params string[] arguments) => ServerProcess.RunCheckedAsync(Launch, arguments);

    /// <summary>Stops the server as a service manager does (SIGTERM); it stops its PostgreSQL on the way out.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
            await StrayPostgres.StopAsync(Launch.DataDirectory!);
        }
        finally
        {
            _root.Dispose();
        }
    }

    [GeneratedRegex(@"^Demo incident loaded: open (\S+)$")]
    private static partial Regex DemoLine();
}
