using System.Diagnostics;

namespace Dashboard.Tests.Infrastructure;

/// <summary>src/Server published (Release) as users get it: only a publish carries the WebAssembly client's files.</summary>
public static class ServerPublish
{
    /// <summary>Publishes into <paramref name="folder"/>, which then holds Server.dll.</summary>
    public static async Task PublishAsync(string folder)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Repository.Root };
        foreach (var argument in (string[])["publish", Path.Combine("src", "Server"), "-c", "Release", "-o", folder,
            "--nologo", "-v", "quiet", "--disable-build-servers"])
        {
            start.ArgumentList.Add(argument);
        }
        // Under dotnet test (or dotnet run), MSBuild's variables would point this build at the wrong SDK parts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        (await Processes.RunAsync(start, TimeSpan.FromMinutes(5))).EnsureSuccess("dotnet publish src/Server");
    }
}
