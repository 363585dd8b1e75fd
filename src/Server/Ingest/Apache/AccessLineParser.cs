using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>Parses lines of one <see cref="LogFormat"/>. Not thread-safe: one per batch.</summary>
public sealed class AccessLineParser
{
    /// <summary>The spans in <paramref name="entry"/> stay valid until the next call.</summary>
    public bool TryParse(ReadOnlySpan<char> line, out AccessLine entry, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();
}
