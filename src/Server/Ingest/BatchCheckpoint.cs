namespace Dashboard.Server.Ingest;

/// <summary>
/// Where a batch being read may store what it holds so far, inside its transaction, so that a body of
/// any size is ingested in bounded memory and still answered (and committed) once.
/// </summary>
internal interface IBatchCheckpoint
{
    bool NeedsCheckpoint { get; }

    Task CheckpointAsync(CancellationToken ct);
}
