using System.CommandLine;
using System.Globalization;
using Dashboard.Server.Demo;
using Dashboard.Server.Hosts;

namespace Dashboard.Server.Cli;

/// <summary>The commands of the same executable that serves; with no command it serves.</summary>
internal static class DashboardCommandLine
{
    private static readonly string[] HelpAndVersion = ["-h", "--help", "-?", "/?", "--version"];

    /// <summary>A first argument that is not an option (or asks for help) is a command; anything else configures the server.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && (!args[0].StartsWith('-') || HelpAndVersion.Contains(args[0]));

    public static Task<int> RunAsync(string[] args)
    {
        var demo = DemoCommand();
        var root = new RootCommand("Apache Incident Dashboard. With no command it serves the dashboard and its API (--urls http://127.0.0.1:8080).")
        {
            HostsCommand(),
            TokensCommand(),
            OperatorsCommand(),
            HealthCommand(),
            demo,
        };
        var parse = root.Parse(args);
        // A command that serves stops as the server does (SIGTERM or Ctrl-C: the host's own lifetime,
        // which also stops the embedded cluster); System.CommandLine would exit after two seconds.
        var serves = parse.CommandResult.Command == demo;
        return parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = serves ? null : TimeSpan.FromSeconds(2) });
    }

    private static Command DemoCommand()
    {
        var live = new Option<bool>("--live")
        {
            Description = "Replay the incident shifted to now, unfolding from a minute or two after start; open /?host=hoge&range=15m&live=1&tz=host.",
        };
        var demo = new Command("demo",
            "Serves (as with no command) with the built-in incident loaded into host hoge — 17 Aug 2015, a Range-header DoS, "
            + "then ten OOM kills — and prints the link to open. Usage: demo [--live] [--urls http://127.0.0.1:8080]")
        {
            live,
        };
        // Everything else on the line is the server's (--urls, --Dashboard:Retention:Days=…).
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction(async (parse, ct) =>
        {
            await DashboardServer.Build([.. parse.UnmatchedTokens], builder => builder.AddDemo(parse.GetValue(live))).RunAsync();
            return 0;
        });
        return demo;
    }

    private static Command HostsCommand()
    {
        var name = new Argument<string>("name") { Description = "The host's name, as its logs will be labelled." };
        var timeZone = new Option<string>("--timezone")
        {
            Description = "IANA time zone its RFC 3164 syslog times are written in.",
            DefaultValueFactory = _ => "UTC",
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Its Apache LogFormat: common, combined, vhost_combined, combinedio, or a format string.",
            DefaultValueFactory = _ => HostRegistry.DefaultLogFormat,
        };
        var add = new Command("add", "Adds a host and prints its ingest token (alone, on stdout).") { name, timeZone, logFormat };
        add.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var (_, token, error) = await services.GetRequiredService<HostRegistry>()
                .AddHostAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(timeZone), parse.GetRequiredValue(logFormat), ct);
            return await PrintAsync(token?.Token, error);
        }, ct));

        var list = new Command("list", "Lists the hosts.");
        list.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var hosts = await services.GetRequiredService<HostRegistry>().ListHostsAsync(ct);
            await PrintTableAsync(["NAME", "TIMEZONE", "LOG FORMAT", "LAST SEEN (UTC)"],
                hosts.Select(h => new[] { h.Name, h.TimeZone, h.LogFormat, Format(h.LastSeenAt) ?? "never" }));
            return 0;
        }, ct));

        return new Command("hosts", "Hosts that ship logs.") { add, list };
    }

    private static Command TokensCommand()
    {
        var readerName = new Argument<string>("name") { Description = "Who or what the token is for." };
        var addReader = new Command("add-reader", "Creates a read token for the read API and prints it (alone, on stdout).") { readerName };
        addReader.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var (token, error) = await services.GetRequiredService<HostRegistry>().AddReadTokenAsync(parse.GetRequiredValue(readerName), ct);
            return await PrintAsync(token?.Token, error);
        }, ct));

        var hostName = new Argument<string>("host") { Description = "The host the token ships for." };
        var addIngest = new Command("add-ingest", "Creates another ingest token for a host (to rotate one) and prints it.") { hostName };
        addIngest.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var (token, error) = await services.GetRequiredService<HostRegistry>().AddIngestTokenAsync(parse.GetRequiredValue(hostName), ct);
            return await PrintAsync(token?.Token, error);
        }, ct));

        var list = new Command("list", "Lists tokens (never the tokens themselves, which are not stored).");
        list.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var tokens = await services.GetRequiredService<HostRegistry>().ListTokensAsync(ct);
            await PrintTableAsync(["ID", "KIND", "NAME", "HOST", "CREATED (UTC)", "REVOKED (UTC)"],
                tokens.Select(t => new[] { t.Id.ToString(CultureInfo.InvariantCulture), t.Kind, t.Name, t.Host ?? "-", Format(t.CreatedAt)!, Format(t.RevokedAt) ?? "-" }));
            return 0;
        }, ct));

        var id = new Argument<int>("id") { Description = "The token's ID, from 'tokens list'." };
        var revoke = new Command("revoke", "Revokes a token: requests presenting it are refused from now on.") { id };
        revoke.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var revoked = await services.GetRequiredService<HostRegistry>().RevokeTokenAsync(parse.GetRequiredValue(id), ct);
            return await PrintAsync(revoked ? "revoked" : null, revoked ? null : "no active token with that ID");
        }, ct));

        return new Command("tokens", "Ingest and read tokens.") { addReader, addIngest, list, revoke };
    }

    private static Command OperatorsCommand()
    {
        var name = new Argument<string>("name") { Description = "The operator's sign-in name." };
        var reset = new Command("reset-password", "Gives an operator (created if new) a new password and prints it (alone, on stdout).") { name };
        reset.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var operatorName = parse.GetRequiredValue(name);
            if (operatorName.Length is 0 or > 100)
            {
                return await PrintAsync(null, "an operator name is 1 to 100 characters");
            }
            var password = OperatorAccounts.NewPassword();
            await services.GetRequiredService<OperatorAccounts>().SetPasswordAsync(operatorName, password, ct);
            return await PrintAsync(password, null);
        }, ct));
        var list = new Command("list", "Lists the operators, with their open sessions.");
        list.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var operators = await services.GetRequiredService<OperatorAccounts>().ListAsync(ct);
            await PrintTableAsync(["NAME", "CREATED (UTC)", "SESSIONS", "LAST ACTIVE (UTC)"],
                operators.Select(o => new[] { o.Name, Format(o.CreatedAt)!, o.Sessions.ToString(CultureInfo.InvariantCulture), Format(o.LastSeenAt) ?? "-" }));
            return 0;
        }, ct));

        var removed = new Argument<string>("name") { Description = "The operator to remove." };
        var remove = new Command("remove", "Removes an operator and ends its sessions at once.") { removed };
        remove.SetAction((parse, ct) => CommandLineHost.RunAsync(async (services, ct) =>
        {
            var done = await services.GetRequiredService<OperatorAccounts>().RemoveAsync(parse.GetRequiredValue(removed), ct);
            return await PrintAsync(done ? "removed" : null, done ? null : "no operator by that name");
        }, ct));

        return new Command("operators", "The people who sign in to the dashboard.") { reset, list, remove };
    }

    private static Command HealthCommand()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "The server's health endpoint.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080/healthz"),
        };
        var health = new Command("health", "Exits 0 when the server and its database answer (for container health checks).") { url };
        health.SetAction(async (parse, ct) =>
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await client.GetAsync(parse.GetRequiredValue(url), ct);
                return await PrintAsync(response.IsSuccessStatusCode ? "healthy" : null, response.IsSuccessStatusCode ? null : $"unhealthy: {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return await PrintAsync(null, $"unreachable: {e.Message}");
            }
        });
        return health;
    }

    private static async Task<int> PrintAsync(string? output, string? error)
    {
        if (error is not null)
        {
            await Console.Error.WriteLineAsync(error);
            return 1;
        }
        await Console.Out.WriteLineAsync(output);
        return 0;
    }

    private static async Task PrintTableAsync(string[] header, IEnumerable<string[]> rows)
    {
        List<string[]> all = [header, .. rows];
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await Console.Out.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string? Format(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
