using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// A tmpfs of a few megabytes for a test's own PostgreSQL tablespace, to fill: a disk that runs out of
/// space, and is given more. Mounting needs root (CI runs as root).
/// </summary>
public sealed class SmallFilesystem : IAsyncDisposable
{
    private readonly TempFolder _mountPoint = new();

    private SmallFilesystem()
    {
    }

    public string Path => _mountPoint.Path;

    public static async Task<SmallFilesystem> MountAsync(int megabytes, string owner)
    {
        var filesystem = new SmallFilesystem();
        await RunAsync("mount", "-t", "tmpfs", "-o", Size(megabytes) + ",mode=0700", "tmpfs", filesystem.Path);
        await RunAsync("chown", $"{owner}:", filesystem.Path);
        return filesystem;
    }

    /// <summary>Gives the filesystem more room, as an operator freeing space would.</summary>
    public Task GrowAsync(int megabytes) => RunAsync("mount", "-o", "remount," + Size(megabytes), Path);

    private static string Size(int megabytes) => string.Create(CultureInfo.InvariantCulture, $"size={megabytes}m");

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var run = await Processes.RunAsync(new ProcessStartInfo(program, arguments));
        Assert.True(run.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {run.Stderr.Trim()} (a small filesystem for a tablespace needs root, as CI runs)");
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", "--lazy", Path);
        _mountPoint.Dispose();
    }
}
