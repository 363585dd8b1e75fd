using System.Net;
using System.Net.Http.Headers;

namespace Dashboard.Server.Tests.Cli;

/// <summary>The executable's commands, run as a user runs them, each starting and stopping the embedded PostgreSQL itself.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempFolder _data = new();

    [Fact]
    public async Task Hosts_add_prints_the_ingest_token_alone_on_stdout()
    {
        var result = await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web1", "--timezone", "Asia/Tokyo");

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^aid_ingest_[A-Za-z0-9_-]{43}$", line);
    }

    [Fact]
    public async Task Hosts_list_shows_each_host_with_its_zone_and_format()
    {
        await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web1", "--timezone", "Asia/Tokyo");
        await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web2", "--log-format", "vhost_combined");

        var result = await ServerProcess.RunCommandAsync(_data.Path, "hosts", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"web1\s+Asia/Tokyo\s+combined\s+never", result.Stdout);
        Assert.Matches(@"web2\s+UTC\s+vhost_combined\s+never", result.Stdout);
    }

    [Fact]
    public async Task Hosts_add_refuses_an_unknown_zone_and_a_bad_format_saying_why()
    {
        var result = await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web1", "--timezone", "Mars/Olympus", "--log-format", "%h %Z");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("Mars/Olympus", result.Stderr);
        Assert.Contains("log format", result.Stderr);
    }

    [Fact]
    public async Task A_second_host_with_the_same_name_is_refused()
    {
        await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web1");

        var again = await ServerProcess.RunCommandAsync(_data.Path, "hosts", "add", "web1");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
    }

    [Fact]
    public async Task Tokens_add_reader_prints_a_read_token_that_tokens_list_shows_and_revoke_revokes()
    {
        var added = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "add-reader", "grafana");
        Assert.Matches("^aid_read_[A-Za-z0-9_-]{43}\n$", added.Stdout);

        var revoked = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "revoke", "1");
        var listed = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "list");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Matches(@"1\s+read\s+grafana\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d", listed.Stdout);
        Assert.DoesNotContain(added.Stdout.Trim(), listed.Stdout);
    }

    [Fact]
    public async Task A_command_reuses_the_cluster_the_running_server_started_and_leaves_it_running()
    {
        await using var server = await ServerProcess.StartServerAsync(_data.Path);

        var reader = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "add-reader", "ops");
        var token = reader.Stdout.Trim();

        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var hosts = await client.GetAsync(new Uri("/api/v1/hosts", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, hosts.StatusCode);

        Assert.Equal(0, await server.StopAsync());
        Assert.False(File.Exists(Path.Combine(ClusterFolder(), "postmaster.pid")), "the server stops the cluster it started");
    }

    [Fact]
    public async Task The_cluster_belongs_to_an_unprivileged_account_and_is_stopped_after_a_command()
    {
        await ServerProcess.RunCommandAsync(_data.Path, "hosts", "list");

        var owner = new FileInfo(Path.Combine(ClusterFolder(), "PG_VERSION")).UnixFileMode;
        Assert.False(File.Exists(Path.Combine(ClusterFolder(), "postmaster.pid")));
        Assert.NotEqual(default, owner);
        if (Environment.UserName == "root")
        {
            var stat = await RunAsync("stat", "-c", "%U", Path.Combine(ClusterFolder(), "PG_VERSION"));
            Assert.Equal("postgres", stat.Trim());
        }
    }

    [Fact]
    public async Task Operators_reset_password_ends_the_operators_sessions_at_once_and_operators_list_counts_them()
    {
        await using var server = await ServerProcess.StartServerAsync(_data.Path, "--DASHBOARD_ADMIN_PASSWORD=first password");
        using var browser = await SignInAsync(server, "admin", "first password");

        var listed = await ServerProcess.RunCommandAsync(_data.Path, "operators", "list");
        var reset = await ServerProcess.RunCommandAsync(_data.Path, "operators", "reset-password", "admin");

        Assert.Matches(@"admin\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+1\s+\d{4}-", listed.Stdout);
        Assert.Equal(0, reset.ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/v1/session", UriKind.Relative))).StatusCode);
        using var again = await SignInAsync(server, "admin", reset.Stdout.Trim());
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync(new Uri("/api/v1/session", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Operators_remove_ends_the_operators_sessions_and_says_when_there_is_none()
    {
        await using var server = await ServerProcess.StartServerAsync(_data.Path, "--DASHBOARD_ADMIN_PASSWORD=admin password");
        var password = (await ServerProcess.RunCommandAsync(_data.Path, "operators", "reset-password", "alice")).Stdout.Trim();
        using var alice = await SignInAsync(server, "alice", password);

        var removed = await ServerProcess.RunCommandAsync(_data.Path, "operators", "remove", "alice");
        var again = await ServerProcess.RunCommandAsync(_data.Path, "operators", "remove", "alice");

        Assert.Equal((0, "removed"), (removed.ExitCode, removed.Stdout.Trim()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync(new Uri("/api/v1/session", UriKind.Relative))).StatusCode);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no operator", again.Stderr, StringComparison.Ordinal);
    }

    private static async Task<HttpClient> SignInAsync(ServerProcess server, string name, string password)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        var response = await client.PostAsync(new Uri("/api/v1/session", UriKind.Relative),
            new StringContent(System.Text.Json.JsonSerializer.Serialize(new { name, password }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return client;
    }

    private string ClusterFolder() =>
        Environment.UserName == "root" ? Path.Combine(_data.Path, "postgres", "pgdata") : Path.Combine(_data.Path, "pgdata");

    private static async Task<string> RunAsync(string executable, params string[] arguments) =>
        (await Processes.RunAsync(new System.Diagnostics.ProcessStartInfo(executable, arguments))).Stdout;

    public void Dispose() => _data.Dispose();
}
