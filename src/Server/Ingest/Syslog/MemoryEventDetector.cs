namespace Dashboard.Server.Ingest.Syslog;

/// <summary>
/// Reads one host's messages in order and finds memory events, joining the two or three lines the
/// kernel logs for one kill into one event. One instance per batch.
/// </summary>
public sealed class MemoryEventDetector
{
    public void Add(in SyslogMessage message) => throw new NotImplementedException();

    /// <summary>The events found, in time order, including kills whose later lines never came.</summary>
    public IReadOnlyList<HostEvent> Finish() => throw new NotImplementedException();
}
