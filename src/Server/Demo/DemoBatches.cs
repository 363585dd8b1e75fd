using System.Globalization;

namespace Dashboard.Server.Demo;

internal enum DemoStream
{
    Access,
    Syslog,
    Memory,
}

/// <summary>
/// One POST of the demo: its lines, when it may be sent (a live batch once its last line's time has
/// passed) and an Idempotency-Key made of the shift and what the batch covers, so that sending the
/// same incident again stores nothing twice and a replay with another shift never meets the first's keys.
/// </summary>
/// <param name="Year">The local year of its syslog lines (RFC 3164 lines have none): X-Log-Year.</param>
internal sealed record DemoBatch(DemoStream Stream, string Key, DateTimeOffset Due, IReadOnlyList<string> Lines, int? Year);

/// <summary>How the incident is cut into batches: all at once, or live as it unfolds.</summary>
internal static class DemoBatches
{
    private const int LinesPerBatch = 500;

    /// <summary>Story time placed a minute or two after the start of a live replay.</summary>
    public static readonly DateTimeOffset LiveAnchor = DemoIncident.At(12, 5);

    /// <summary>Story time from which a live replay sends lines as their time comes; what is before is already past.</summary>
    public static readonly DateTimeOffset LiveFrom = DemoIncident.At(12, 3);

    /// <summary>Story time from which a live replay starts: a quarter of an hour of history, sent at once.</summary>
    public static readonly DateTimeOffset LiveHistoryFrom = DemoIncident.At(11, 50);

    /// <summary>Every line in batches of a few hundred, all due at once.</summary>
    public static List<DemoBatch> All(DemoIncident incident) =>
        [.. Chunks(incident, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.MinValue, "")];

    /// <summary>
    /// A live replay: the history before <see cref="LiveFrom"/> (already past: the shift puts
    /// <see cref="LiveAnchor"/> at least a minute ahead), then each <paramref name="slice"/> of time in
    /// its own batch per stream, due when the slice has passed. Slices are aligned on the shift, so any
    /// run with the same shift cuts the same batches.
    /// </summary>
    public static List<DemoBatch> Live(DemoIncident incident, TimeSpan slice)
    {
        var historyFrom = LiveHistoryFrom + incident.Shift;
        var liveFrom = LiveFrom + incident.Shift;
        var end = DemoIncident.End + incident.Shift;
        List<DemoBatch> batches = [.. Chunks(incident, historyFrom, liveFrom, liveFrom, "h")];
        var access = new Cursor<DemoLine>(incident.Access, l => l.Time, liveFrom);
        var syslog = new Cursor<DemoLine>(incident.Syslog, l => l.Time, liveFrom);
        var memory = new Cursor<DemoMemorySample>(incident.Memory, s => s.Time, liveFrom);
        for (var from = liveFrom; from < end; from += slice)
        {
            var to = from + slice;
            var part = "s" + from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            batches.AddRange(Make(incident, DemoStream.Access, access.Take(to).Select(l => l.Text), to, part));
            batches.AddRange(SyslogByYear(incident, syslog.Take(to), to, part));
            batches.AddRange(Make(incident, DemoStream.Memory, memory.Take(to).Select(s => s.ToJson()), to, part));
        }
        return batches;
    }

    private static IEnumerable<DemoBatch> Chunks(DemoIncident incident, DateTimeOffset from, DateTimeOffset to, DateTimeOffset due, string prefix)
    {
        bool Within(DateTimeOffset time) => time >= from && time < to;
        var access = incident.Access.Where(l => Within(l.Time)).Select(l => l.Text).Chunk(LinesPerBatch);
        foreach (var (lines, i) in access.Select((lines, i) => (lines, i)))
        {
            yield return new(DemoStream.Access, Key(incident, DemoStream.Access, prefix + i.ToString(CultureInfo.InvariantCulture)), due, lines, null);
        }
        var syslog = incident.Syslog.Where(l => Within(l.Time)).Chunk(LinesPerBatch);
        foreach (var (lines, i) in syslog.Select((lines, i) => (lines, i)))
        {
            foreach (var batch in SyslogByYear(incident, lines, due, prefix + i.ToString(CultureInfo.InvariantCulture)))
            {
                yield return batch;
            }
        }
        var memory = incident.Memory.Where(s => Within(s.Time)).Select(s => s.ToJson()).Chunk(LinesPerBatch);
        foreach (var (lines, i) in memory.Select((lines, i) => (lines, i)))
        {
            yield return new(DemoStream.Memory, Key(incident, DemoStream.Memory, prefix + i.ToString(CultureInfo.InvariantCulture)), due, lines, null);
        }
    }

    // A batch that spans New Year's Eve (local time) is two: each year goes in its own X-Log-Year.
    private static IEnumerable<DemoBatch> SyslogByYear(DemoIncident incident, IEnumerable<DemoLine> lines, DateTimeOffset due, string part) =>
        lines.GroupBy(l => l.Time.Year).Select(year => new DemoBatch(
            DemoStream.Syslog,
            Key(incident, DemoStream.Syslog, part + "y" + year.Key.ToString(CultureInfo.InvariantCulture)),
            due,
            [.. year.Select(l => l.Text)],
            year.Key));

    private static IEnumerable<DemoBatch> Make(DemoIncident incident, DemoStream stream, IEnumerable<string> lines, DateTimeOffset due, string part)
    {
        List<string> list = [.. lines];
        if (list.Count > 0)
        {
            yield return new(stream, Key(incident, stream, part), due, list, null);
        }
    }

    private static string Key(DemoIncident incident, DemoStream stream, string part) => string.Create(CultureInfo.InvariantCulture,
        $"demo-v{Version(stream)}-shift{(long)incident.Shift.TotalSeconds}-{stream.ToString().ToLowerInvariant()}-{part}");

    // A stream's version goes up when its generated lines change, so that an older demo's key never comes with other
    // lines; a stream whose lines stayed keeps its keys, so that loading the demo over an older one stores them once.
    // 2: the incident's own kills in the kernel log, memory without MemAvailable.
    private static int Version(DemoStream stream) => stream == DemoStream.Access ? 1 : 2;

    /// <summary>Walks a time-ordered list from a start time, handing out what comes before each next bound.</summary>
    private sealed class Cursor<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> timeOf, DateTimeOffset from)
    {
        private int _next = FirstAtOrAfter(items, timeOf, from);

        public List<T> Take(DateTimeOffset before)
        {
            List<T> taken = [];
            while (_next < items.Count && timeOf(items[_next]) < before)
            {
                taken.Add(items[_next++]);
            }
            return taken;
        }

        private static int FirstAtOrAfter(IReadOnlyList<T> items, Func<T, DateTimeOffset> timeOf, DateTimeOffset from)
        {
            var index = 0;
            while (index < items.Count && timeOf(items[index]) < from)
            {
                index++;
            }
            return index;
        }
    }
}
