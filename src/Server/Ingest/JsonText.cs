using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Strings of a client's JSON. JSON can escape half of a UTF-16 pair (<c>"\ud800"</c>), which no .NET
/// string read accepts (<see cref="JsonElement.GetString"/> throws): here such a value is not text, so
/// that the record holding it is rejected with this reason instead of failing its whole batch.
/// </summary>
internal static class JsonText
{
    public const string UnpairedSurrogate = "holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff alone), which is not text";

    /// <summary>The string value, or false when it is not a string or holds an unpaired surrogate.</summary>
    public static bool TryGetString(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether a string value holds an unpaired surrogate (and so cannot be read).</summary>
    public static bool IsUnreadableString(JsonElement value) => value.ValueKind == JsonValueKind.String && !TryGetString(value, out _);

    /// <summary>A property's name, or false when it holds an unpaired surrogate.</summary>
    public static bool TryGetName(JsonProperty property, [NotNullWhen(true)] out string? name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return false;
        }
    }
}
