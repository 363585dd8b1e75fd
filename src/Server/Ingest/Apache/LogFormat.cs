using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>An Apache <c>LogFormat</c> compiled once into a parser plan. Immutable and thread-safe.</summary>
public sealed class LogFormat
{
    private LogFormat(string definition) => Definition = definition;

    /// <summary>The format string, after a nickname (<c>combined</c>, …) is expanded.</summary>
    public string Definition { get; }

    /// <summary>Names of the fields the format carries beyond the access_log columns (e.g. a request header).</summary>
    public IReadOnlyList<string> ExtraFieldNames { get; } = [];

    public static bool TryCompile(string formatOrNickname, [NotNullWhen(true)] out LogFormat? format, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();

    /// <summary>A parser for one thread; it reuses scratch buffers between lines.</summary>
    public AccessLineParser CreateParser() => throw new NotImplementedException();
}
