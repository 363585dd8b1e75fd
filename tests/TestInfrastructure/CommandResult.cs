namespace Dashboard.Tests.Infrastructure;

/// <summary>How a program run to its end exited, and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>This, when the program exited with 0; otherwise an error saying what it printed.</summary>
    /// <param name="what">The program as the error names it ("dotnet publish src/Server").</param>
    public CommandResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{what} exited with {ExitCode}:\n{Stdout}\n{Stderr}");
}
