using System.Diagnostics;

namespace Dashboard.Server.Data.Embedded;

/// <summary>
/// The account PostgreSQL runs under: this process's own, or — because postgres refuses to run as
/// root — the unprivileged <c>postgres</c> account, reached through <c>runuser</c>.
/// </summary>
internal sealed class ServerAccount
{
    private const string UnprivilegedUser = "postgres";

    private ServerAccount(string? runAs) => RunAs = runAs;

    /// <summary>Null when PostgreSQL runs as this process's user.</summary>
    public string? RunAs { get; }

    public static async Task<ServerAccount> ForThisProcessAsync(CancellationToken ct)
    {
        if (Environment.UserName != "root")
        {
            return new ServerAccount(null);
        }
        var lookup = await RunAsync("id", ["-u", UnprivilegedUser], ct);
        if (lookup.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"Running as root, PostgreSQL needs an unprivileged account to run under, and there is no '{UnprivilegedUser}' user. "
                + $"Create one (useradd --system {UnprivilegedUser}), run the dashboard as a normal user, or set ConnectionStrings__Dashboard.");
        }
        return new ServerAccount(UnprivilegedUser);
    }

    /// <summary>Makes <paramref name="path"/> (a folder this process created) the account's own.</summary>
    public async Task TakeOwnershipAsync(string path, CancellationToken ct)
    {
        if (RunAs is null)
        {
            return;
        }
        var result = await RunAsync("chown", ["-R", $"{RunAs}:", path], ct);
        result.ThrowIfFailed($"chown {path}");
    }

    /// <summary>Whether the account can create files in <paramref name="folder"/> (every parent must let it through).</summary>
    public async Task<bool> CanWriteAsync(string folder, CancellationToken ct) =>
        RunAs is null || (await RunAsync("runuser", ["-u", RunAs, "--", "test", "-w", folder, "-a", "-x", folder], ct)).ExitCode == 0;

    public Task<ProcessResult> RunToolAsync(string executable, IReadOnlyList<string> arguments, CancellationToken ct) =>
        RunAs is null ? RunAsync(executable, arguments, ct) : RunAsync("runuser", ["-u", RunAs, "--", executable, .. arguments], ct);

    private static async Task<ProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new EmbeddedPostgresException($"could not start {executable}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new ProcessResult(executable, process.ExitCode, await output + await error);
    }
}

internal sealed record ProcessResult(string Executable, int ExitCode, string Output)
{
    public void ThrowIfFailed(string what)
    {
        if (ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"{what} failed (exit code {ExitCode}): {Output.Trim()}");
        }
    }
}

/// <summary>The embedded PostgreSQL could not be set up; the message says what to do.</summary>
public sealed class EmbeddedPostgresException(string message) : Exception(message);
