using System.Globalization;

namespace Dashboard.Tests.Infrastructure;

/// <summary>The machine's processes as /proc lists them: for services that leave the process tree of whoever started them.</summary>
public static class Processes
{
    /// <summary>Live processes whose command line contains <paramref name="text"/>.</summary>
    public static List<int> WithCommandLineContaining(string text) => [.. All().Where(pid => CommandLine(pid).Contains(text, StringComparison.Ordinal))];

    /// <summary>The parent's pid, or 0 when the process has gone.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, the last ')' ends it.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Whether it runs (a zombie waiting for its parent has ended).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static IEnumerable<int> All() =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Select(name => int.Parse(name!, CultureInfo.InvariantCulture));
}
