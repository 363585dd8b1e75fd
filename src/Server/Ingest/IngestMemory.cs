using Microsoft.Extensions.Options;

namespace Dashboard.Server.Ingest;

/// <summary>
/// The memory all requests being received may hold together (<see cref="IngestOptions.MaxBufferedBytesTotal"/>),
/// taken a megabyte at a time: a request that cannot take more is written as it arrives instead.
/// </summary>
internal sealed class IngestMemory(IOptions<IngestOptions> options)
{
    public const long Step = 1024 * 1024;

    private long _taken;

    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _taken, bytes) <= options.Value.MaxBufferedBytesTotal)
        {
            return true;
        }
        Interlocked.Add(ref _taken, -bytes);
        return false;
    }

    public void Give(long bytes) => Interlocked.Add(ref _taken, -bytes);
}
