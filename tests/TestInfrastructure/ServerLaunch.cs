using System.Diagnostics;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// How <see cref="ServerProcess"/> runs the product's executable: which Server.dll (a build's or a publish folder's),
/// from which folder, on which port, against which database, with what more in its environment.
/// </summary>
/// <param name="Folder">The folder holding Server.dll.</param>
public sealed record ServerLaunch(string Folder)
{
    /// <summary>
    /// The Server.dll that the build copied beside the running assembly (which references src/Server), run from
    /// <paramref name="dataDirectory"/> with its embedded PostgreSQL there.
    /// </summary>
    public static ServerLaunch Built(string dataDirectory) =>
        new(AppContext.BaseDirectory) { WorkingDirectory = dataDirectory, DataDirectory = dataDirectory };

    /// <summary>Where it runs (ASP.NET Core reads appsettings.json there); none: <see cref="Folder"/>, as an operator runs it.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary><c>DASHBOARD_DATA_DIR</c>: where its embedded PostgreSQL lives.</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>ConnectionStrings__Dashboard</c>: an existing PostgreSQL instead of the embedded one.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The loopback port the server listens on; 0: a free one, chosen by the server.</summary>
    public int Port { get; init; }

    /// <summary>More of its environment: settings such as <c>DASHBOARD_ADMIN_PASSWORD</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Given each line the server prints, as it prints it.</summary>
    public Action<string>? Echo { get; init; }

    internal ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory ?? Folder,
        };
        start.ArgumentList.Add(Path.Combine(Folder, "Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only what this launch says: not the database, address or data folder the test run itself was given.
        foreach (var inherited in (string[])["ConnectionStrings__Dashboard", "DASHBOARD_DATA_DIR", "ASPNETCORE_URLS"])
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (DataDirectory is not null)
        {
            start.Environment["DASHBOARD_DATA_DIR"] = DataDirectory;
        }
        if (ConnectionString is not null)
        {
            start.Environment["ConnectionStrings__Dashboard"] = ConnectionString;
        }
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }
}
