using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Ingest.Memory;

/// <summary>Memory samples of one request: a /proc/meminfo text (one sample) or JSON samples.</summary>
internal sealed class MeminfoBatch(IngestSession session, DateTime receivedAtUtc) : IRecordSink, IBatchCheckpoint
{
    /// <summary>A /proc/meminfo text is a few kB; anything far larger is not one.</summary>
    public const int MaxTextBytes = 1024 * 1024;

    private const int MaxSamplesInMemory = 50_000;

    private readonly List<MemorySample> _samples = [];

    public async Task ReadTextAsync(Stream body, DateTime sampleTimeUtc, CancellationToken ct) =>
        AddText(1, await ReadSmallTextAsync(body, "a meminfo text", ct), sampleTimeUtc);

    /// <summary>A /proc text of a few kB, whole: past <see cref="MaxTextBytes"/> it is not one (413).</summary>
    public static async Task<string> ReadSmallTextAsync(Stream body, string what, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxTextBytes)
            {
                throw new UnacceptableBodyException(StatusCodes.Status413PayloadTooLarge, $"{what} is larger than {MaxTextBytes} bytes");
            }
        }
        return new UTF8Encoding(false, false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A /proc/meminfo text that arrived inside another envelope (the lines of a Loki stream).</summary>
    public void AddText(int number, string text, DateTime sampleTimeUtc)
    {
        if (MeminfoParser.TryParse(text, sampleTimeUtc, out var sample, out var error) && (error = TimeError(sample)) is null)
        {
            Add(sample);
        }
        else
        {
            session.Reject(number, error, SafeText.Clean(text));
        }
    }

    public void OnRecord(int number, JsonElement record)
    {
        if (MeminfoParser.TryParseJson(record, receivedAtUtc, out var sample, out var error) && (error = TimeError(sample)) is null)
        {
            Add(sample);
        }
        else
        {
            session.Reject(number, error, record.GetRawText());
        }
    }

    public void OnBadRecord(int number, string reason, ReadOnlySpan<byte> raw) =>
        session.Reject(number, reason, Encoding.UTF8.GetString(raw));

    private string? TimeError(MemorySample sample) => session.Times.Contain(sample.TimeUtc) ? null : AcceptedTimes.Reason;

    public void Add(MemorySample sample)
    {
        Store(sample);
        session.Accept();
    }

    /// <summary>Stores a sample without counting it: the caller counts the records it was made of.</summary>
    public void Store(MemorySample sample) => _samples.Add(sample);

    // A resent sample (same host and time) is the same sample.
    private const string InsertSql = """
        INSERT INTO memory_samples (host_id, time, mem_total_kb, mem_available_kb, mem_free_kb, cached_kb, swap_total_kb, swap_free_kb)
        SELECT $1, u.* FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) AS u
        ON CONFLICT (host_id, time) DO NOTHING
        """;

    public async Task FinishAsync(CancellationToken ct)
    {
        if (_samples.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand(InsertSql, session.Connection);
        command.Parameters.Add(new() { Value = session.Host.Id });
        command.Parameters.Add(new() { Value = _samples.Select(s => s.TimeUtc).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        AddColumn(command, s => s.MemTotalKb);
        AddColumn(command, s => s.MemAvailableKb);
        AddColumn(command, s => s.MemFreeKb);
        AddColumn(command, s => s.CachedKb);
        AddColumn(command, s => s.SwapTotalKb);
        AddColumn(command, s => s.SwapFreeKb);
        await command.ExecuteNonQueryAsync(ct);
    }

    public bool NeedsCheckpoint => _samples.Count >= MaxSamplesInMemory || session.RejectedNeedStoring;

    public async Task CheckpointAsync(CancellationToken ct)
    {
        await FinishAsync(ct);
        _samples.Clear();
        await session.StoreRejectedAsync(ct);
    }

    private void AddColumn(NpgsqlCommand command, Func<MemorySample, long?> column) =>
        command.Parameters.Add(new() { Value = _samples.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
}
