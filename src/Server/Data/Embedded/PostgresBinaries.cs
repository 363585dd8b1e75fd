namespace Dashboard.Server.Data.Embedded;

/// <summary>The folder holding a PostgreSQL server's <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
internal static class PostgresBinaries
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    // Debian/Ubuntu keep the server outside PATH (only wrappers are there): /usr/lib/postgresql/15/bin.
    // RHEL uses /usr/pgsql-15/bin, Homebrew /opt/homebrew/opt/postgresql@15/bin.
    private static readonly (string Parent, string Prefix)[] VersionedFolders =
        [("/usr/lib/postgresql", ""), ("/usr", "pgsql-"), ("/opt/homebrew/opt", "postgresql@"), ("/usr/local/opt", "postgresql@")];

    public const string InstallHint =
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql. "
        + "Install them (Debian: apt-get install -y postgresql), point DASHBOARD_PG_BIN at their folder, "
        + "or set ConnectionStrings__Dashboard to use an existing PostgreSQL.";

    public static string? Find(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasAll(configured) ? configured : null;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var pgCtl = Path.Combine(folder, "pg_ctl");
            if (File.Exists(pgCtl))
            {
                // /usr/local/bin/pg_ctl may be a link into the real folder, where postgres itself lives.
                var real = new FileInfo(pgCtl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? pgCtl;
                var realFolder = Path.GetDirectoryName(real)!;
                if (HasAll(realFolder))
                {
                    return realFolder;
                }
            }
        }
        return Candidates().FirstOrDefault(HasAll);
    }

    private static IEnumerable<string> Candidates()
    {
        List<(int Major, string Bin)> found = [];
        foreach (var (parent, prefix) in VersionedFolders)
        {
            if (!Directory.Exists(parent))
            {
                continue;
            }
            foreach (var dir in Directory.EnumerateDirectories(parent, prefix + "*"))
            {
                var version = Path.GetFileName(dir)[prefix.Length..];
                if (int.TryParse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture, out var major))
                {
                    found.Add((major, Path.Combine(dir, "bin")));
                }
            }
        }
        return found.OrderByDescending(f => f.Major).Select(f => f.Bin).Append("/usr/local/pgsql/bin");
    }

    private static bool HasAll(string folder) => Required.All(name => File.Exists(Path.Combine(folder, name)));
}
