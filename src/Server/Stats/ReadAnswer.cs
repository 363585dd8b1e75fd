namespace Dashboard.Server.Stats;

/// <summary>
/// What a read answers: its value; nothing (an address that sent nothing in the range); or, refused, the
/// reasons by parameter, which the HTTP API answers as a 400's <c>errors</c>.
/// </summary>
internal sealed record ReadAnswer<T>(T? Value, Dictionary<string, string[]>? Errors = null)
    where T : class
{
    public static ReadAnswer<T> Refused(Dictionary<string, string[]> errors) => new(null, errors);
}
