namespace Dashboard.Server.Ingest;

/// <summary>
/// The times a stored line or sample may carry. Older than 1995 is a clock that was never set or a
/// misread line; more than a day ahead of the server's clock is one far off. Either would make rows no
/// chart shows (and partitions for them), so they are rejected with <see cref="Reason"/>.
/// </summary>
internal readonly record struct AcceptedTimes(DateTime ReceivedAtUtc)
{
    public static readonly DateTime Earliest = new(1995, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(1);

    public const string Reason = "the time is before 1995 or more than a day ahead of the server's clock";

    public DateTime Latest => ReceivedAtUtc + MaxAhead;

    public bool Contain(DateTime timeUtc) => timeUtc >= Earliest && timeUtc <= Latest;
}
