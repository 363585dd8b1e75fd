namespace Dashboard.Server.Ingest;

/// <summary>
/// A batch that can store what it holds in memory so far, inside its still-open transaction, so that
/// a body of any size is ingested in bounded memory and still answered (and committed) once.
/// </summary>
internal interface IBatchCheckpoint
{
    bool NeedsCheckpoint { get; }

    Task CheckpointAsync(CancellationToken ct);
}
