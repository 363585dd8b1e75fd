using System.Text;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Text from a client on its way into PostgreSQL: text columns reject NUL, and the UTF-8 encoder
/// rejects lone surrogates (JSON can carry both), so they become U+FFFD instead of failing the batch.
/// </summary>
internal static class SafeText
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Decodes UTF-8 (invalid bytes become U+FFFD) into <paramref name="destination"/>.</summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, Span<char> destination)
    {
        var written = Utf8.GetChars(utf8, destination);
        var text = destination[..written];
        text.Replace('\0', '\uFFFD');
        return text;
    }

    public static int MaxCharCount(int byteCount) => Utf8.GetMaxCharCount(byteCount);

    public static string Clean(string text)
    {
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !span.Contains('\0'))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                builder.Append(c).Append(span[++i]);
            }
            else if (char.IsSurrogate(c) || c == '\0')
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
