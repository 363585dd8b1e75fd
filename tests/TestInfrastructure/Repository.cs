namespace Dashboard.Tests.Infrastructure;

/// <summary>The repository these tests were built from.</summary>
public static class Repository
{
    /// <summary>The folder holding Dashboard.sln, above this test assembly.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Dashboard.sln above {AppContext.BaseDirectory}");
    }
}
