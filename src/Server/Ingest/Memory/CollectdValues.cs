using System.Text.Json;

namespace Dashboard.Server.Ingest.Memory;

/// <summary>
/// collectd's write_http plugin with <c>Format "JSON"</c>: an array of value lists
/// <c>{"values":[…],"dstypes":[…],"dsnames":[…],"time":1439782293.123,"interval":10.000,"host":"…","plugin":"memory",
/// "plugin_instance":"","type":"memory","type_instance":"used"}</c>, values in bytes. The memory and swap
/// plugins' value lists become memory samples; every other value list is ignored (counted, not rejected).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>One memory sample per host and time of the memory plugin (it gives all its value lists of one
/// reading the same time). MemTotal is the sum of its type instances (used, buffered, cached, free,
/// slab_recl, slab_unrecl), without <c>available</c>; MemAvailable is <c>available</c> where collectd
/// reports it, else free + cached + buffered + slab_recl (capped at MemTotal); MemFree is free, Cached is cached.
/// On Linux the plugin always sends those six (zero where the kernel lacks one): a reading without all of
/// them was cut across two requests by write_http (its flush timer or a full buffer) and is rejected, so
/// that no sample is stored with a total short of its missing parts.</item>
/// <item>The swap plugin reads at its own time: its value lists (used, free, cached; per device summed)
/// join the memory sample of the same host nearest in time within one interval, in this request or
/// else one already stored without swap figures; with none, they are rejected. SwapTotal is
/// used + free + cached, SwapFree is free.</item>
/// <item>bytes → kB: divided by 1024 and rounded. Gauge values only: a null (NaN) value is left out.</item>
/// <item>A value list whose host is not the token's host (<see cref="IngestHost.IsNamed"/>) is rejected.</item>
/// </list>
/// </remarks>
internal sealed class CollectdValues(IngestBatch batch, IBatchCheckpoint checkpoint) : BodyParser(batch, checkpoint)
{
    /// <summary>What the Linux memory plugin sends in every reading.</summary>
    private static readonly string[] LinuxMemoryInstances = ["used", "buffered", "cached", "free", "slab_unrecl", "slab_recl"];

    private readonly Dictionary<(string Host, double Time), Reading> _memory = [];
    private readonly Dictionary<(string Host, double Time), Reading> _swap = [];

    private sealed class Reading(double interval)
    {
        public double Interval { get; set; } = interval;
        public Dictionary<string, double> Bytes { get; } = new(StringComparer.Ordinal);
        public List<(int Number, string Raw)> Records { get; } = [];
    }

    /// <summary>write_http sends JSON only (its "Command" format is refused before the body is read).</summary>
    public override void AddLine(int number, ReadOnlySpan<char> line) => Batch.Reject(number, "not a collectd JSON value list", line);

    public override void OnRecord(int number, JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            RejectRecord(number, "a value list is not a JSON object", record);
            return;
        }
        foreach (var field in FieldsRead)
        {
            if (record.TryGetProperty(field, out var fieldValue) && JsonText.IsUnreadableString(fieldValue))
            {
                RejectRecord(number, $"{field} {JsonText.UnpairedSurrogate}", record);
                return;
            }
        }
        var plugin = Text(record, "plugin");
        var type = Text(record, "type");
        // ValuesPercentage adds type "percent"; the swap plugin's swap_io is paging, not sizes.
        var isMemory = plugin == "memory" && type == "memory";
        var isSwap = plugin == "swap" && type == "swap";
        if (!isMemory && !isSwap)
        {
            Batch.Ignore();
            return;
        }
        if (!TryRead(record, out var host, out var time, out var interval, out var instance, out var value, out var error))
        {
            RejectRecord(number, error, record);
            return;
        }
        if (!Batch.Times.Contain(Time(time)))
        {
            RejectRecord(number, AcceptedTimes.Reason, record);
            return;
        }
        if (!Batch.Host.IsNamed(host))
        {
            RejectRecord(number, $"the value list's host names another host than this token's ('{Batch.Host.Name}'); set collectd's Hostname", record);
            return;
        }
        var readings = isMemory ? _memory : _swap;
        if (!readings.TryGetValue((host, time), out var reading))
        {
            readings[(host, time)] = reading = new Reading(interval);
        }
        if (value is { } bytes)
        {
            // Swap devices (ReportByDevice) add up.
            reading.Bytes[instance] = reading.Bytes.GetValueOrDefault(instance) + bytes;
        }
        reading.Records.Add((number, record.GetRawText()));
    }

    private static readonly string[] FieldsRead = ["plugin", "type", "host", "type_instance"];

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && JsonText.TryGetString(value, out var text) ? text : null;

    private static bool TryRead(JsonElement record, out string host, out double time, out double interval, out string instance,
        out double? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        host = Text(record, "host") ?? "";
        instance = Text(record, "type_instance") ?? "";
        time = 0;
        interval = 10;
        value = null;
        error = null;
        if (!record.TryGetProperty("time", out var t) || t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out time) || time is <= 0 or > MeminfoParser.MaxEpochSeconds)
        {
            error = "no time (epoch seconds)";
            return false;
        }
        if (record.TryGetProperty("interval", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetDouble(out var seconds) && seconds > 0)
        {
            interval = seconds;
        }
        if (!record.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != 1)
        {
            error = "values is not an array of one value";
            return false;
        }
        var first = values[0];
        if (first.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (first.ValueKind != JsonValueKind.Number || !first.TryGetDouble(out var bytes) || bytes < 0 || !double.IsFinite(bytes))
        {
            error = "the value is not a number of bytes";
            return false;
        }
        value = bytes;
        return true;
    }

    /// <summary>Makes the samples, and joins swap to them or (when written) to stored ones.</summary>
    public override void Finish()
    {
        List<(string Host, DateTime Time, Reading Reading, MemorySample Sample)> made = [];
        foreach (var ((host, time), reading) in _memory)
        {
            var b = reading.Bytes;
            if (!LinuxMemoryInstances.All(b.ContainsKey))
            {
                foreach (var (number, raw) in reading.Records)
                {
                    Batch.Reject(number, "the memory plugin's reading is incomplete (write_http cut it across two requests; a larger BufferSize makes that rarer)", raw);
                }
                continue;
            }
            var total = b.Where(p => p.Key != "available").Sum(p => p.Value);
            var available = b.TryGetValue("available", out var a) ? a
                : Math.Min(total, b["free"] + b.GetValueOrDefault("cached") + b.GetValueOrDefault("buffered") + b.GetValueOrDefault("slab_recl"));
            var timeUtc = Time(time);
            made.Add((host, timeUtc, reading, new MemorySample(timeUtc, Kb(total), Kb(available), Kb(b["free"]),
                b.TryGetValue("cached", out var cached) ? Kb(cached) : null, null, null)));
        }
        foreach (var ((host, time), swap) in _swap)
        {
            var timeUtc = Time(time);
            var window = TimeSpan.FromSeconds(swap.Interval);
            var nearest = made.Select((m, index) => (m, index))
                .Where(x => string.Equals(x.m.Host, host, StringComparison.Ordinal) && (x.m.Time - timeUtc).Duration() <= window && x.m.Sample.SwapTotalKb is null)
                .OrderBy(x => (x.m.Time - timeUtc).Duration())
                .Select(x => (int?)x.index)
                .FirstOrDefault();
            var (swapTotal, swapFree) = Swap(swap);
            if (nearest is { } index)
            {
                made[index] = made[index] with { Sample = made[index].Sample with { SwapTotalKb = swapTotal, SwapFreeKb = swapFree } };
                foreach (var _ in swap.Records)
                {
                    Batch.Accept();
                }
            }
            else
            {
                // write_http may cut between the two plugins' readings: the memory one may be stored already.
                Batch.UnmatchedSwap.Add(new SwapReading(timeUtc, window, swapTotal, swapFree, swap.Records));
            }
        }
        foreach (var (_, _, reading, sample) in made)
        {
            // A reading is several records, one sample: the first counts the sample, the others are accepted with it.
            Batch.Accept(sample);
            foreach (var _ in reading.Records.Skip(1))
            {
                Batch.Accept();
            }
        }
    }

    private static (long? Total, long? Free) Swap(Reading swap)
    {
        var b = swap.Bytes;
        var total = b.ContainsKey("used") || b.ContainsKey("free")
            ? Kb(b.GetValueOrDefault("used") + b.GetValueOrDefault("free") + b.GetValueOrDefault("cached"))
            : null;
        return (total, b.TryGetValue("free", out var free) ? Kb(free) : null);
    }

    private static long? Kb(double bytes) => (long)Math.Round(bytes / 1024, MidpointRounding.AwayFromZero);

    private static DateTime Time(double epochSeconds) => MeminfoParser.FromEpochSeconds(epochSeconds);
}
