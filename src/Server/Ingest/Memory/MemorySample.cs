namespace Dashboard.Server.Ingest.Memory;

/// <summary>One reading of a host's memory, in kB as /proc/meminfo reports it.</summary>
public readonly record struct MemorySample(
    DateTime TimeUtc,
    long? MemTotalKb,
    long? MemAvailableKb,
    long? MemFreeKb,
    long? CachedKb,
    long? SwapTotalKb,
    long? SwapFreeKb);
