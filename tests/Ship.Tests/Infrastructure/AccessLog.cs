using System.Text;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// An access log written as Apache writes it: whole lines appended through a handle that stays open
/// (so after a rename the writer goes on writing to the old file until it reopens). Every line has its
/// own path, /t/N, so a lost or repeated line shows.
/// </summary>
public sealed class AccessLog(string path) : IDisposable
{
    private FileStream _writer = Open(path);
    private int _next;

    public string Path { get; } = path;

    /// <summary>Lines written so far (the N of the last /t/N).</summary>
    public int Written => _next;

    public void Write(int lines)
    {
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            text.Append(NextLine());
        }
        Append(text.ToString());
    }

    /// <summary>Appends raw text: part of a line, or the rest of one.</summary>
    public void Append(string text)
    {
        // O_APPEND, as Apache opens its logs: after a copytruncate the next line goes to the new start.
        _writer.Seek(0, SeekOrigin.End);
        _writer.Write(Encoding.UTF8.GetBytes(text));
        _writer.Flush();
    }

    public string NextLine() => ApacheLines.Combined("10.1.2.3", DateTimeOffset.UtcNow, path: $"/t/{++_next}") + "\n";

    /// <summary>Closes the handle and opens the path again (Apache after a graceful restart).</summary>
    public void Reopen()
    {
        _writer.Dispose();
        _writer = Open(Path);
    }

    public void Dispose() => _writer.Dispose();

    private static FileStream Open(string path) => new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
}
