using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Dashboard.Server.Data.Embedded;

/// <summary>How and where the embedded cluster runs.</summary>
public sealed record EmbeddedPostgresOptions(string DataDirectory)
{
    /// <summary>Folder of initdb/pg_ctl/postgres; null searches PATH and the usual install folders.</summary>
    public string? BinariesFolder { get; init; }

    /// <summary>
    /// Whether to become responsible for stopping a cluster that another process started. The server
    /// does (it outlives any command line); a command line only adopts a cluster whose starter is gone.
    /// </summary>
    public bool AdoptRunningCluster { get; init; }

    /// <summary>Server settings (<c>-c name=value</c>) on top of the defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A private PostgreSQL cluster in a folder of ours, reachable only through a unix socket there:
/// initialised on first use, started if it is not running, reused if it is, stopped by whoever owns it.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string SuperUser = "dashboard";
    public const string DatabaseName = "dashboard";
    private const int Port = 5432;
    // A unix socket path must fit in sockaddr_un (108 bytes with its terminator).
    private const int MaxSocketPathLength = 100;

    private static readonly Dictionary<string, string> DefaultSettings = new()
    {
        ["listen_addresses"] = "",
        // Bulk ingest writes WAL fast; the default 1 GB would checkpoint every few seconds under load.
        ["max_wal_size"] = "4GB",
        ["shared_buffers"] = "256MB",
    };

    private readonly string _binaries;
    private readonly ServerAccount _account;
    private readonly string _clusterFolder;
    private readonly string _ownerFile;
    private readonly ILogger _logger;

    private EmbeddedPostgres(string binaries, ServerAccount account, string clusterFolder, string ownerFile, string socketFolder, bool ownsServer, ILogger logger)
    {
        _binaries = binaries;
        _account = account;
        _clusterFolder = clusterFolder;
        _ownerFile = ownerFile;
        _logger = logger;
        OwnsServer = ownsServer;
        AdminConnectionString = ConnectionTo("postgres", socketFolder);
        ConnectionString = ConnectionTo(DatabaseName, socketFolder);
    }

    /// <summary>The dashboard's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The maintenance database, for creating others (tests create one per class).</summary>
    public string AdminConnectionString { get; }

    /// <summary>Whether this process stops the cluster when it is disposed.</summary>
    public bool OwnsServer { get; private set; }

    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new EmbeddedPostgresException("The embedded PostgreSQL needs Linux or macOS (it talks over a unix socket); set ConnectionStrings__Dashboard.");
        }
        var binaries = PostgresBinaries.Find(options.BinariesFolder) ?? throw new EmbeddedPostgresException(PostgresBinaries.InstallHint);
        var account = await ServerAccount.ForThisProcessAsync(ct);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        // Two processes starting at once (the server and a command line) must not both initdb or start.
        await using var startLock = await FolderLock.AcquireAsync(Path.Combine(dataDirectory, ".embedded-postgres.lock"), TimeSpan.FromMinutes(2), ct);

        var home = await ClusterHomeAsync(dataDirectory, account, logger, ct);
        var clusterFolder = Path.Combine(home, "pgdata");
        var ownerFile = Path.Combine(dataDirectory, "postgres.owner");

        if (await RunningSocketFolderAsync(clusterFolder, ct) is { } runningSocket)
        {
            var adopt = options.AdoptRunningCluster || !IsAlive(ReadOwner(ownerFile));
            if (adopt)
            {
                await File.WriteAllTextAsync(ownerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
            }
            logger.LogInformation("Using the PostgreSQL cluster already running in {Folder}", clusterFolder);
            return new EmbeddedPostgres(binaries, account, clusterFolder, ownerFile, runningSocket, adopt, logger);
        }

        if (!File.Exists(Path.Combine(clusterFolder, "PG_VERSION")))
        {
            await InitialiseAsync(binaries, account, clusterFolder, logger, ct);
        }
        var socketFolder = await SocketFolderAsync(home, account, ct);
        await StartServerAsync(binaries, account, clusterFolder, socketFolder, options, ct);
        await File.WriteAllTextAsync(ownerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        logger.LogInformation("Started embedded PostgreSQL in {Folder}", clusterFolder);
        var postgres = new EmbeddedPostgres(binaries, account, clusterFolder, ownerFile, socketFolder, ownsServer: true, logger);
        await postgres.CreateDatabaseAsync(ct);
        return postgres;
    }

    // As root the cluster belongs to the postgres account, which must reach it through every parent
    // folder; /root is private, so a data folder under it falls back to the account's own home.
    private static async Task<string> ClusterHomeAsync(string dataDirectory, ServerAccount account, ILogger logger, CancellationToken ct)
    {
        if (account.RunAs is null)
        {
            return dataDirectory;
        }
        var home = Path.Combine(dataDirectory, "postgres");
        Directory.CreateDirectory(home);
        await account.TakeOwnershipAsync(home, ct);
        if (await account.CanWriteAsync(home, ct))
        {
            return home;
        }
        var fallback = Path.Combine("/var/lib/postgresql/apache-incident-dashboard", ShortHash(dataDirectory));
        Directory.CreateDirectory(fallback);
        await account.TakeOwnershipAsync(fallback, ct);
        logger.LogWarning(
            "The {User} account cannot reach {Folder} (a parent folder is private), so the cluster lives in {Fallback}. "
            + "Set DASHBOARD_DATA_DIR to a folder it can reach to keep everything together.", account.RunAs, home, fallback);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "postgres-location.txt"), fallback + Environment.NewLine, ct);
        return fallback;
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task InitialiseAsync(string binaries, ServerAccount account, string clusterFolder, ILogger logger, CancellationToken ct)
    {
        logger.LogInformation("Initialising a PostgreSQL cluster in {Folder}", clusterFolder);
        Directory.CreateDirectory(clusterFolder);
        File.SetUnixFileMode(clusterFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await account.TakeOwnershipAsync(clusterFolder, ct);
        // Trust is safe only because the server listens on no TCP address and its socket folder is private.
        var result = await account.RunToolAsync(Path.Combine(binaries, "initdb"),
            ["-D", clusterFolder, "-U", SuperUser, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=reject", "--no-instructions"], ct);
        result.ThrowIfFailed("initdb");
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<string> SocketFolderAsync(string home, ServerAccount account, CancellationToken ct)
    {
        var socketFolder = Path.Combine(home, "run");
        if (Path.Combine(socketFolder, $".s.PGSQL.{Port}").Length > MaxSocketPathLength)
        {
            socketFolder = Path.Combine(Path.GetTempPath(), "aid-pg-" + ShortHash(home));
        }
        Directory.CreateDirectory(socketFolder);
        File.SetUnixFileMode(socketFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await account.TakeOwnershipAsync(socketFolder, ct);
        return socketFolder;
    }

    private static async Task StartServerAsync(string binaries, ServerAccount account, string clusterFolder, string socketFolder, EmbeddedPostgresOptions options, CancellationToken ct)
    {
        var settings = new Dictionary<string, string>(DefaultSettings) { ["unix_socket_directories"] = socketFolder, ["port"] = Port.ToString(CultureInfo.InvariantCulture) };
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }
        // pg_ctl hands -o to a shell: every value is single-quoted.
        var serverOptions = string.Join(' ', settings.Select(s => $"-c {s.Key}='{s.Value.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
        var result = await account.RunToolAsync(Path.Combine(binaries, "pg_ctl"),
            ["-D", clusterFolder, "-l", Path.Combine(clusterFolder, "server.log"), "-o", serverOptions, "-w", "-t", "120", "start"], ct);
        result.ThrowIfFailed($"pg_ctl start (see {Path.Combine(clusterFolder, "server.log")})");
    }

    /// <summary>The socket folder of the postmaster running on <paramref name="clusterFolder"/>, if one is and answers.</summary>
    private static async Task<string?> RunningSocketFolderAsync(string clusterFolder, CancellationToken ct)
    {
        var pidFile = Path.Combine(clusterFolder, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }
        // postmaster.pid: pid, data folder, start time, port, socket folder, listen address, shmem key, status.
        var lines = await File.ReadAllLinesAsync(pidFile, ct);
        if (lines.Length < 5 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid) || !IsAlive(pid))
        {
            return null;
        }
        var socketFolder = lines[4].Trim();
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionTo("postgres", socketFolder));
            await connection.OpenAsync(ct);
            return socketFolder;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!OwnsServer || ReadOwner(_ownerFile) != Environment.ProcessId)
        {
            return;
        }
        OwnsServer = false;
        NpgsqlConnection.ClearAllPools();
        var result = await _account.RunToolAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", _clusterFolder, "-m", "fast", "-w", "-t", "60", "stop"], CancellationToken.None);
        if (result.ExitCode == 0)
        {
            File.Delete(_ownerFile);
            _logger.LogInformation("Stopped embedded PostgreSQL");
        }
        else
        {
            _logger.LogWarning("pg_ctl stop failed (exit code {ExitCode}): {Output}", result.ExitCode, result.Output.Trim());
        }
    }

    private static string ConnectionTo(string database, string socketFolder) => new NpgsqlConnectionStringBuilder
    {
        Host = socketFolder,
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    private static int? ReadOwner(string ownerFile) =>
        File.Exists(ownerFile) && int.TryParse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;

    private static bool IsAlive(int? pid)
    {
        if (pid is not { } p)
        {
            return false;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(p);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string ShortHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
