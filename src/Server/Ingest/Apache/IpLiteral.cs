namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Checks that a logged client address is an IPv4 or IPv6 literal that PostgreSQL's inet (and
/// <see cref="System.Net.IPAddress.Parse(ReadOnlySpan{char})"/>) accepts, without allocating.
/// Stricter than IPAddress: no leading zeros in IPv4 (they would read as octal), no zone id, no brackets.
/// </summary>
internal static class IpLiteral
{
    public enum Verdict
    {
        Valid,
        Missing,
        Hostname,
        ZoneId,
        Invalid,
    }

    public static Verdict Check(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text is "-")
        {
            return Verdict.Missing;
        }
        if (IsIPv4(text))
        {
            return Verdict.Valid;
        }
        if (text.Length <= 45)
        {
            if (text.Contains(':'))
            {
                var zone = text.IndexOf('%');
                if (zone < 0)
                {
                    return IsIPv6(text) ? Verdict.Valid : Verdict.Invalid;
                }
                return zone > 0 && IsIPv6(text[..zone]) ? Verdict.ZoneId : Verdict.Invalid;
            }
        }
        return LooksLikeHostname(text) ? Verdict.Hostname : Verdict.Invalid;
    }

    public static bool IsIPv4(ReadOnlySpan<char> text)
    {
        if ((uint)(text.Length - 7) > 8)
        {
            return false;
        }
        var parts = 0;
        var i = 0;
        while (true)
        {
            var value = text[i] - '0';
            if ((uint)value > 9)
            {
                return false;
            }
            i++;
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (value == 0)
                {
                    return false;
                }
                value = value * 10 + (text[i++] - '0');
                if (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    value = value * 10 + (text[i++] - '0');
                    if (value > 255)
                    {
                        return false;
                    }
                }
            }
            parts++;
            if (i == text.Length)
            {
                return parts == 4;
            }
            if (text[i] != '.' || parts == 4 || ++i == text.Length)
            {
                return false;
            }
        }
    }

    /// <summary>RFC 4291 section 2.2 text forms: eight groups, one "::", an optional trailing dotted quad.</summary>
    public static bool IsIPv6(ReadOnlySpan<char> text)
    {
        if (text.Length < 2)
        {
            return false;
        }
        var groups = 0;
        var compressed = false;
        var i = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':')
            {
                return false;
            }
            compressed = true;
            i = 2;
            if (i == text.Length)
            {
                return true;
            }
        }
        while (true)
        {
            var start = i;
            while (i < text.Length && i - start < 5 && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }
            var digits = i - start;
            if (i < text.Length && text[i] == '.')
            {
                // An embedded IPv4 address ends the text and stands for two groups.
                return IsIPv4(text[start..]) && (compressed ? groups + 2 < 8 : groups + 2 == 8);
            }
            if (digits is 0 or > 4)
            {
                return false;
            }
            groups++;
            if (i == text.Length)
            {
                return compressed ? groups < 8 : groups == 8;
            }
            if (text[i] != ':' || groups == 8)
            {
                return false;
            }
            i++;
            if (i < text.Length && text[i] == ':')
            {
                if (compressed)
                {
                    return false;
                }
                compressed = true;
                i++;
                if (i == text.Length)
                {
                    return groups < 8;
                }
            }
            else if (i == text.Length)
            {
                return false;
            }
        }
    }

    private static bool LooksLikeHostname(ReadOnlySpan<char> text)
    {
        if (text.Length > 253 || text[0] is '.' or '-')
        {
            return false;
        }
        var letters = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetter(c))
            {
                letters = true;
            }
            else if (!char.IsAsciiDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }
        return letters;
    }
}
