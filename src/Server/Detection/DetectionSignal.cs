namespace Dashboard.Server.Detection;

/// <summary>Lets ingest on this server wake the detector at once when a batch commits (others' batches it finds within a second).</summary>
internal sealed class DetectionSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void BatchCommitted()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another batch woke it a moment ago: one round serves both.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}
