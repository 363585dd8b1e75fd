namespace Dashboard.Server.Ingest;

/// <summary>The 200 answer to an ingest request.</summary>
public sealed record IngestResult(int Accepted, int Rejected, IReadOnlyList<IngestError> Errors)
{
    /// <summary>Records that were read but are not for this product (collectd's other plugins); absent when 0.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int Ignored { get; init; }

    /// <summary>
    /// Why the request as a whole is answered 400 although what could be stored was (a Loki push with a
    /// stream that can never be stored: its client learns of it only from the status); absent when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Refused { get; init; }
}

/// <summary>Why line <paramref name="Line"/> (1-based) was rejected.</summary>
public sealed record IngestError(int Line, string Reason);

/// <summary>The host an ingest token belongs to, with the defaults its batches are read with.</summary>
public sealed record IngestHost(int Id, string Name, string TimeZone, string LogFormat)
{
    /// <summary>
    /// Whether a host name a shipper put in its records (a Loki label, collectd's host) is this host: the
    /// same name in any case, its fully qualified form (<c>web1.example.com</c> for <c>web1</c>), or its first label.
    /// </summary>
    public bool IsNamed(string value) =>
        value.Equals(Name, StringComparison.OrdinalIgnoreCase)
        || (value.Length > Name.Length && value[Name.Length] == '.' && value.StartsWith(Name, StringComparison.OrdinalIgnoreCase))
        || (Name.Length > value.Length && value.Length > 0 && Name[value.Length] == '.' && Name.StartsWith(value, StringComparison.OrdinalIgnoreCase));
}
