using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Dashboard.Server.Ingest;

/// <summary>The log line inside a shipper's JSON record (Fluent Bit "log", Vector "message", journald "MESSAGE").</summary>
internal static class JsonEnvelope
{
    private static readonly string[] MessageFields = ["message", "log", "MESSAGE"];

    public static bool TryGetMessage(JsonElement record, [NotNullWhen(true)] out string? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (record.ValueKind != JsonValueKind.Object)
        {
            error = "not a JSON object";
            return false;
        }
        foreach (var field in MessageFields)
        {
            if (record.TryGetProperty(field, out var value))
            {
                if (!JsonText.TryGetString(value, out var text))
                {
                    error = value.ValueKind == JsonValueKind.String ? $"field '{field}' {JsonText.UnpairedSurrogate}" : $"field '{field}' is not a string";
                    return false;
                }
                message = SafeText.Clean(text).TrimEnd('\n', '\r');
                error = null;
                return true;
            }
        }
        error = "no message, log or MESSAGE field";
        return false;
    }
}
