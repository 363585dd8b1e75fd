using System.Text.Unicode;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Undoes Apache's ap_escape_logitem: <c>\"</c> and <c>\\</c>, C-style <c>\n \r \t \b \v</c>, and
/// <c>\xhh</c> for every other control byte and every byte from 0x80 up. A run of <c>\xhh</c> is one
/// UTF-8 byte sequence (a path or header in UTF-8 is logged byte by byte), so runs decode as UTF-8 with
/// U+FFFD for invalid bytes; NUL becomes U+FFFD too because PostgreSQL text cannot hold it.
/// </summary>
internal static class LogEscapes
{
    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> and returns the char count.
    /// The result is never longer than the source; <paramref name="bytes"/> needs a quarter of it.
    /// </summary>
    public static int Decode(ReadOnlySpan<char> source, Span<char> destination, Span<byte> bytes)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var next = source[i..].IndexOf('\\');
            if (next < 0)
            {
                source[i..].CopyTo(destination[written..]);
                return written + source.Length - i;
            }
            source.Slice(i, next).CopyTo(destination[written..]);
            written += next;
            i += next;
            if (i + 1 == source.Length)
            {
                destination[written++] = '\\';
                return written;
            }
            var escaped = source[i + 1];
            if (escaped == 'x' && IsHexPair(source, i + 2))
            {
                written += DecodeByteRun(source, ref i, destination[written..], bytes);
                continue;
            }
            var c = escaped switch
            {
                '"' => '"',
                '\\' => '\\',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' => '\b',
                'v' => '\v',
                'f' => '\f',
                _ => '\0',
            };
            if (c == '\0')
            {
                // Not an escape Apache writes: keep the backslash and read on from the next char.
                destination[written++] = '\\';
                i++;
            }
            else
            {
                destination[written++] = c;
                i += 2;
            }
        }
        return written;
    }

    private static int DecodeByteRun(ReadOnlySpan<char> source, ref int i, Span<char> destination, Span<byte> bytes)
    {
        var count = 0;
        while (i + 3 < source.Length && source[i] == '\\' && source[i + 1] == 'x' && IsHexPair(source, i + 2))
        {
            bytes[count++] = (byte)((HexValue(source[i + 2]) << 4) | HexValue(source[i + 3]));
            i += 4;
        }
        Utf8.ToUtf16(bytes[..count], destination, out _, out var chars, replaceInvalidSequences: true);
        destination[..chars].Replace('\0', '\uFFFD');
        return chars;
    }

    private static bool IsHexPair(ReadOnlySpan<char> source, int at) =>
        at + 1 < source.Length && char.IsAsciiHexDigit(source[at]) && char.IsAsciiHexDigit(source[at + 1]);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
