using Dashboard.Server.Ingest.Apache;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;

namespace Dashboard.Server.Ingest;

/// <summary>
/// What one ingest request stores, whatever its endpoint: rows encoded for COPY, rollups, memory events
/// and samples, the rejected lines and the counts of its answer. Parsers fill it as the body is read
/// (<see cref="BodyParser"/>); <see cref="BatchStore"/> gets it into the database, in one transaction.
/// </summary>
internal sealed class IngestBatch(IngestHost host, string endpoint, AcceptedTimes times, RowIds rowIds) : IDisposable
{
    public static readonly CopyTable AccessLog = new("""
        COPY access_log (host_id, time, id, client_ip, remote_user, method, path, protocol, status, bytes,
                         referer, user_agent, response_time_us, vhost, extra) FROM STDIN (FORMAT BINARY)
        """, 15);

    public static readonly CopyTable SyslogLines = new("""
        COPY syslog_lines (host_id, time, id, hostname, program, pid, facility, severity, message) FROM STDIN (FORMAT BINARY)
        """, 9);

    // What an entry held in memory costs beyond its own bytes, roughly: for the memory budget only.
    private const int RollupEntryBytes = 200;
    private const int SampleBytes = 96;

    private CopyRows? _accessRows;
    private CopyRows? _syslogRows;

    public IngestHost Host { get; } = host;

    /// <summary>The endpoint it came to (access, syslog, meminfo, collectd, vmstat, loki): its Idempotency-Key's scope.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The times its lines and samples may carry.</summary>
    public AcceptedTimes Times { get; } = times;

    public RowIds RowIds { get; } = rowIds;

    public CopyRows AccessRows => _accessRows ??= new CopyRows(AccessLog);

    public AccessRollups Rollups { get; } = new();

    public CopyRows SyslogRows => _syslogRows ??= new CopyRows(SyslogLines);

    /// <summary>Memory events found in the syslog lines, stored when the batch is complete (a kill's lines may straddle a read).</summary>
    public MemoryEventDetector MemoryEvents { get; } = new();

    public List<MemorySample> Samples { get; } = [];

    /// <summary>collectd swap readings with no memory reading in this request: joined to a stored one when written.</summary>
    public List<SwapReading> UnmatchedSwap { get; } = [];

    /// <summary>oom_kill counters of /proc/vmstat, compared with the host's previous one when written.</summary>
    public List<(DateTime TimeUtc, long OomKill)> VmstatCounters { get; } = [];

    public RejectedLines Rejected { get; } = new();

    public IEnumerable<CopyRows> Rows => new[] { _accessRows, _syslogRows }.OfType<CopyRows>();

    public int Accepted { get; private set; }

    /// <summary>Records that are valid but not for this product (collectd's other plugins): neither stored nor rejected.</summary>
    public int Ignored { get; private set; }

    /// <summary>The first reason to answer the request 400 once it has stored what it could (<see cref="IngestResult.Refused"/>).</summary>
    public string? Refused { get; private set; }

    /// <summary>The time span of the rows accepted into a day-partitioned table, if any.</summary>
    public (DateTime Oldest, DateTime Newest)? RowTimes { get; private set; }

    /// <summary>The time span of everything the batch stores that detection reads (rows, samples, counters).</summary>
    public (DateTime Oldest, DateTime Newest)? DataTimes { get; private set; }

    /// <summary>Roughly what the batch holds in memory, for the server's budget.</summary>
    public long HeldBytes =>
        Rows.Sum(r => r.HeldBytes) + Rollups.Count * RollupEntryBytes + (Samples.Count * SampleBytes) + (Rejected.KeptChars * sizeof(char));

    public void Accept() => Accepted++;

    /// <summary>Counts an accepted row of a day-partitioned table, noting its time.</summary>
    public void Accept(DateTime rowTimeUtc)
    {
        Accepted++;
        RowTimes = Widen(RowTimes, rowTimeUtc);
        NoteDataTime(rowTimeUtc);
    }

    /// <summary>Counts an accepted memory sample.</summary>
    public void Accept(Memory.MemorySample sample)
    {
        Samples.Add(sample);
        Accepted++;
        NoteDataTime(sample.TimeUtc);
    }

    /// <summary>Something detection reads changes at this time (a sample, a counter, swap joined to a stored sample).</summary>
    public void NoteDataTime(DateTime timeUtc) => DataTimes = Widen(DataTimes, timeUtc);

    private static (DateTime Oldest, DateTime Newest) Widen((DateTime Oldest, DateTime Newest)? span, DateTime time) =>
        span is { } s ? (time < s.Oldest ? time : s.Oldest, time > s.Newest ? time : s.Newest) : (time, time);

    public void Ignore() => Ignored++;

    public void Refuse(string reason) => Refused ??= reason;

    public void Reject(int line, string reason, ReadOnlySpan<char> text) => Rejected.Add(line, reason, text);

    public IngestResult Result() => new(Accepted, Rejected.Count, Rejected.Reported) { Ignored = Ignored, Refused = Refused };

    public void Dispose()
    {
        _accessRows?.Dispose();
        _syslogRows?.Dispose();
    }
}

/// <summary>collectd's swap values of one reading (kB), with the records they came from (accepted or rejected once joined, or not).</summary>
internal sealed record SwapReading(DateTime TimeUtc, TimeSpan Window, long? SwapTotalKb, long? SwapFreeKb, IReadOnlyList<(int Number, string Raw)> Records);
