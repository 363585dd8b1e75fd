namespace Dashboard.Tests.Infrastructure;

/// <summary>A short-named folder under /tmp (unix socket paths inside it must stay short), deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aid-" + Guid.NewGuid().ToString("N")[..10]);

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is exiting: the temp folder is cleaned eventually.
        }
    }
}
