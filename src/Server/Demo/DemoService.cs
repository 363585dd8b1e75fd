using System.Globalization;
using Dashboard.Server.Detection;
using Dashboard.Shared;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Server.Demo;

internal static class DemoExtensions
{
    /// <summary>The <c>demo</c> command's addition to the server: once it listens, it loads (or replays) the incident into itself.</summary>
    public static void AddDemo(this IHostApplicationBuilder builder, bool live)
    {
        builder.Services.AddSingleton(new DemoOptions(live));
        builder.Services.AddHostedService<DemoService>();
    }
}

internal sealed record DemoOptions(bool Live);

/// <summary>
/// Waits until the server listens, then ships the incident to its own loopback address through the
/// ingest API, and prints the one line to open. Live, it replays the incident shifted to start a
/// minute or two from now, batch by batch as the shifted times come, until the end or shutdown.
/// </summary>
internal sealed class DemoService(
    DemoOptions options, IServer server, IHostApplicationLifetime lifetime, IServiceProvider services, TimeProvider clock, ILogger<DemoService> logger)
    : BackgroundService
{
    private static readonly TimeSpan LiveSlice = TimeSpan.FromSeconds(2);

    // The link opens on the overview with its alert bar: detection reads the incident in a few seconds.
    private static readonly TimeSpan DetectionPatience = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (DemoLinks.OwnAddress(addresses) is not { } address)
        {
            logger.LogError("The demo cannot reach this server: it listens on no HTTP address ({Addresses})", string.Join(", ", addresses));
            return;
        }
        IssuedToken? token = null;
        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            token = await DemoLoader.IssueIngestTokenAsync(services, stoppingToken);
            var loader = new DemoLoader(client, token.Token);
            if (options.Live)
            {
                var now = clock.GetUtcNow();
                var batches = DemoBatches.Live(DemoIncident.Create(DemoIncident.ShiftToFollow(now, DemoBatches.LiveAnchor)), LiveSlice);
                // The quarter of an hour already past goes first, so the link opens on a chart with history.
                var result = await loader.LoadAsync(batches.Where(b => b.Due <= now), stoppingToken);
                await Console.Out.WriteLineAsync($"Demo incident replaying live: open {DemoLinks.Live(address)}");
                result += await loader.ReplayAsync(batches.Where(b => b.Due > now), clock, stoppingToken);
                logger.LogInformation("The demo replay is over: {Accepted} lines and samples stored, {Rejected} rejected", result.Accepted, result.Rejected);
            }
            else
            {
                var result = await loader.LoadAsync(DemoBatches.All(DemoIncident.Create()), stoppingToken);
                logger.LogInformation("Demo incident: {Accepted} lines and samples stored, {Rejected} rejected", result.Accepted, result.Rejected);
                if (!await services.GetRequiredService<DetectionProgress>().CaughtUpAsync(DetectionPatience, stoppingToken))
                {
                    logger.LogWarning("Detection has not read the whole incident after {Patience}: its alerts may still be coming", DetectionPatience);
                }
                await Console.Out.WriteLineAsync($"Demo incident loaded: open {DemoLinks.Overview(address)}");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the batches sent so far are stored; a run with the same shift would skip them.
        }
        catch (HttpRequestException e)
        {
            logger.LogError(e, "The demo incident could not be loaded");
        }
        finally
        {
            if (token is not null)
            {
                await DemoLoader.RevokeAsync(services, token);
            }
        }
    }
}

/// <summary>Where the demo sends its lines, and the links it prints.</summary>
internal static class DemoLinks
{
    /// <summary>
    /// An HTTP address of this server the demo can reach: a wildcard or "localhost" binding is
    /// reached on 127.0.0.1; a specific address as it is. Plain HTTP first (no certificate to trust).
    /// </summary>
    public static Uri? OwnAddress(IEnumerable<string> listening)
    {
        Uri? best = null;
        foreach (var text in listening)
        {
            // Kestrel reports wildcards as "http://[::]:8080", "http://0.0.0.0:8080", "http://+:8080" or "http://*:8080".
            var normalised = text.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }
            var host = uri.Host is "0.0.0.0" or "[::]" or "localhost" ? "127.0.0.1" : uri.Host;
            var candidate = new UriBuilder(uri.Scheme, host, uri.Port).Uri;
            if (best is null || (best.Scheme == "https" && candidate.Scheme == "http"))
            {
                best = candidate;
            }
        }
        return best;
    }

    /// <summary>The dashboard over the story's hour: the ramp-up, the drain, the kills and the recovery.</summary>
    public static string Overview(Uri server) =>
        $"{Root(server)}/?host={DemoIncident.HostName}&from={Time(DemoIncident.OverviewFrom)}&to={Time(DemoIncident.OverviewTo)}&tz=host";

    /// <summary>The dashboard following the last quarter of an hour as it comes.</summary>
    public static string Live(Uri server) => $"{Root(server)}/?host={DemoIncident.HostName}&range=15m&live=1&tz=host";

    private static string Root(Uri server) => server.GetLeftPart(UriPartial.Authority);

    // RFC 3339 with its offset; the '+' encoded, or a query string reads it as a space.
    private static string Time(DateTimeOffset time) =>
        time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture).Replace("+", "%2B", StringComparison.Ordinal);
}
