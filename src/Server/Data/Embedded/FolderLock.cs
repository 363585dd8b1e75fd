namespace Dashboard.Server.Data.Embedded;

/// <summary>An exclusive lock on a file, held until disposed; the operating system drops it if the process dies.</summary>
internal sealed class FolderLock(FileStream file) : IAsyncDisposable
{
    public static async Task<FolderLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
