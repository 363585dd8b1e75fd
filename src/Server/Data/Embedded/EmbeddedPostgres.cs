namespace Dashboard.Server.Data.Embedded;

// Placeholder until the embedded launcher lands; it replaces this file.
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public string ConnectionString { get; } = "";
    public string AdminConnectionString { get; } = "";
    public bool OwnsServer { get; }

    public static Task<EmbeddedPostgres> StartAsync(string dataDirectory, ILogger logger, CancellationToken ct = default) =>
        throw new NotImplementedException(dataDirectory);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
