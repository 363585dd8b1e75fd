using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Memory;

public static class MeminfoParser
{
    /// <summary>A whole /proc/meminfo text, sampled at <paramref name="sampleTimeUtc"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, DateTime sampleTimeUtc, out MemorySample sample, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();

    /// <summary>A JSON sample <c>{time, memTotalKb, memAvailableKb, memFreeKb, cachedKb, swapTotalKb, swapFreeKb}</c>.</summary>
    public static bool TryParseJson(JsonElement sampleObject, DateTime receivedAtUtc, out MemorySample sample, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();
}
