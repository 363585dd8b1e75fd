using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Parses lines of one <see cref="LogFormat"/>. Not thread-safe: one per batch. A line allocates nothing:
/// decoded text goes to scratch buffers owned by the parser, and the last request time is cached because
/// consecutive lines mostly share their second.
/// </summary>
public sealed class AccessLineParser
{
    // The line reader caps lines at 64 KiB; this only bounds the scratch memory a direct caller can cause.
    private const int MaxLineLength = 1 << 20;

    private static readonly SearchValues<char> Letters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> MethodChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>A column's text: a range of the line, or of the scratch buffer once decoded.</summary>
    private struct Slice
    {
        public int Start;
        public int Length;
        public bool InScratch;

        public Slice(int start, int length, bool inScratch)
        {
            Start = start;
            Length = length;
            InScratch = inScratch;
        }
    }

    private readonly FormatStep[] _steps;
    private readonly string _leading;
    private readonly string _leadingError;
    private readonly TimeZoneInfo _zone;
    private readonly bool _zoneIsUtc;
    private readonly Range[] _extras;
    private readonly bool _joinsPath;

    // The request time's first field is cached and sets every part itself, so no reset is needed per line.
    private readonly bool _timeStartsCached;

    private char[] _scratch = [];
    private byte[] _bytes = [];
    private char[] _clean = [];
    private int _used;

    // One line's results. Columns the format lacks keep their initial empty or -1 value; every column it
    // has is written on every line, so nothing needs clearing between lines. Kept in fields rather than
    // locals so that the parse loop's own state stays in registers.
    private Slice _clientIp;
    private Slice _remoteUser;
    private Slice _method;
    private Slice _path;
    private Slice _protocol;
    private Slice _referer;
    private Slice _userAgent;
    private Slice _virtualHost;
    private Slice _urlPath;
    private Slice _query;
    private int _status = -1;
    private long _byteCount = -1;
    private long _responseTime = -1;
    private TimeParts _time;

    private readonly char[] _timeKey;
    private int _timeKeyLength;
    private TimeParts _timeValue;
    private long _zoneKey = -1;
    private long _zoneOffset;

    internal AccessLineParser(LogFormat format, TimeZoneInfo zone)
    {
        _steps = format.Steps;
        _leading = format.LeadingLiteral;
        _leadingError = format.LeadingError;
        _zone = zone;
        _zoneIsUtc = zone.Equals(TimeZoneInfo.Utc) || (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime);
        _extras = new Range[format.ExtraFieldNames.Count];
        _timeKey = new char[Math.Max(0, _steps.FirstOrDefault(s => s.CachesTime)?.Time!.FixedWidth ?? 0)];
        _joinsPath = _steps.Any(s => s.Role is FieldRole.UrlPath or FieldRole.Query);
        _timeStartsCached = _steps.First(s => s.Role == FieldRole.Time).CachesTime;
    }

    /// <summary>
    /// Parses one line (without its line ending). The spans in <paramref name="entry"/> stay valid until the
    /// next call. On failure <paramref name="error"/> says why, without quoting the line.
    /// </summary>
    public bool TryParse(ReadOnlySpan<char> line, out AccessLine entry, [NotNullWhen(false)] out string? error)
    {
        // Scanned front to back first: the NUL check also pulls the line into the cache in order.
        if (line.Contains('\0'))
        {
            line = WithoutNul(line);
        }
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }
        var timeUtc = default(DateTime);
        error = line.IsEmpty ? "empty line" : line.Length > MaxLineLength ? "line is too long" : ReadFields(line);
        if (error is null && !TryResolveTime(out timeUtc))
        {
            error = "bad date";
        }
        if (error is not null)
        {
            entry = default;
            return false;
        }
        if (_joinsPath)
        {
            JoinPath(line);
        }
        entry = new AccessLine
        {
            TimeUtc = timeUtc,
            ClientIp = line.Slice(_clientIp.Start, _clientIp.Length),
            RemoteUser = Text(line, _remoteUser),
            Method = Text(line, _method),
            Path = Text(line, _path),
            Protocol = Text(line, _protocol),
            Status = _status,
            Bytes = _byteCount,
            Referer = Text(line, _referer),
            UserAgent = Text(line, _userAgent),
            ResponseTimeMicros = _responseTime,
            VirtualHost = Text(line, _virtualHost),
            ExtraRanges = _extras,
            ExtraSource = _scratch.AsSpan(0, _used),
        };
        return true;
    }

    /// <summary>Walks the plan over the line, storing each field; returns the rejection reason, if any.</summary>
    private string? ReadFields(ReadOnlySpan<char> line)
    {
        Reserve(line.Length);
        if (!_timeStartsCached)
        {
            _time = TimeParts.Empty;
        }
        var steps = _steps;
        var pos = 0;
        if (_leading.Length > 0)
        {
            if (!line.StartsWith(_leading))
            {
                return _leadingError;
            }
            pos = _leading.Length;
        }
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var after = step.After;
            if (step.End == FieldEnd.Grammar)
            {
                var end = ReadGrammarField(step, line, pos);
                if (end < 0)
                {
                    return step.Error;
                }
                if (after.Length > 0 && ((uint)end >= (uint)line.Length || line[end] != after[0] || (after.Length > 1 && !line[end..].StartsWith(after))))
                {
                    // "200x" is a bad status; a line that ends, or goes on otherwise, lacks the literal.
                    return end < line.Length && line[end] != after[0] && !IsSeparator(line[end]) ? step.Error : step.AfterError;
                }
                pos = end + after.Length;
                continue;
            }

            var start = pos;
            var mayHaveEscapes = true;
            int valueEnd;
            switch (step.End)
            {
                case FieldEnd.EndOfLine:
                    valueEnd = line.Length;
                    break;
                case FieldEnd.FinalLiteral:
                    valueEnd = line.Length - step.Search.Length;
                    if (valueEnd < pos || !line.EndsWith(step.Search))
                    {
                        return step.Error;
                    }
                    break;
                default:
                    valueEnd = step.QuoteAware ? FindQuoted(line, pos, step.Search, out mayHaveEscapes) : FindPlain(line, pos, step.Search);
                    if (valueEnd < 0)
                    {
                        return step.Error;
                    }
                    break;
            }
            if (step.StopsAtQuery)
            {
                valueEnd = BeforeQuery(line, start, valueEnd);
            }
            pos = valueEnd + after.Length;
            var failure = StoreTextField(step, line, start, valueEnd, mayHaveEscapes);
            if (failure is not null)
            {
                return failure;
            }
        }
        return pos == line.Length ? null : "unexpected text after the end of the format";
    }

    private ReadOnlySpan<char> Text(ReadOnlySpan<char> line, Slice slice) =>
        slice.InScratch ? _scratch.AsSpan(slice.Start, slice.Length) : line.Slice(slice.Start, slice.Length);

    // Scratch holds each field's decoded text (never longer than the field) plus a joined %U%q, so twice
    // the line always fits and nothing is resized mid-line.
    private void Reserve(int lineLength)
    {
        _used = 0;
        var needed = 2 * lineLength + 16;
        if (_scratch.Length < needed)
        {
            _scratch = new char[Math.Max(needed, 1024)];
            _bytes = new byte[_scratch.Length / 4 + 4];
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<char> WithoutNul(ReadOnlySpan<char> line)
    {
        if (_clean.Length < line.Length)
        {
            _clean = new char[Math.Max(line.Length, 1024)];
        }
        line.CopyTo(_clean);
        var copy = _clean.AsSpan(0, line.Length);
        copy.Replace('\0', '\uFFFD');
        return copy;
    }

    /// <summary>The first <paramref name="literal"/> at or after <paramref name="from"/>.</summary>
    private static int FindPlain(ReadOnlySpan<char> line, int from, string literal)
    {
        var first = literal[0];
        // Most such fields are short ("-", an address): a plain loop beats setting up a vector search.
        var near = Math.Min(line.Length, from + 16);
        for (var p = from; p < near; p++)
        {
            if (line[p] == first && (literal.Length == 1 || line[p..].StartsWith(literal)))
            {
                return p;
            }
        }
        var at = literal.Length == 1 ? line[near..].IndexOf(first) : line[near..].IndexOf(literal);
        return at < 0 ? -1 : near + at;
    }

    /// <summary>
    /// The first <paramref name="literal"/> (starting with a quote) that is not inside an escape. A quote
    /// that is not followed by the rest of the literal is taken as part of the value: servers other than
    /// Apache write unescaped quotes.
    /// </summary>
    private static int FindQuoted(ReadOnlySpan<char> line, int from, string literal, out bool sawBackslash)
    {
        sawBackslash = false;
        var p = from;
        while (p < line.Length)
        {
            var at = line[p..].IndexOfAny('"', '\\');
            if (at < 0)
            {
                return -1;
            }
            p += at;
            if (line[p] == '\\')
            {
                sawBackslash = true;
                if (literal[0] != '\\')
                {
                    p += 2;
                    continue;
                }
            }
            if (line[p..].StartsWith(literal))
            {
                return p;
            }
            p++;
        }
        return -1;
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '"' or '[' or ']' or ',' or ';' or '|';

    // %U%q: the path ends where the query string's '?' starts.
    private static int BeforeQuery(ReadOnlySpan<char> line, int start, int end)
    {
        var mark = line[start..end].IndexOf('?');
        return mark < 0 ? end : start + mark;
    }

    /// <summary>Stores a delimited field's value in its column; returns the rejection reason, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private string? StoreTextField(FormatStep step, ReadOnlySpan<char> line, int start, int end, bool mayHaveEscapes)
    {
        switch (step.Role)
        {
            case FieldRole.ClientIp:
                var verdict = IpLiteral.Check(line[start..end]);
                _clientIp = new Slice(start, end - start, false);
                return verdict == IpLiteral.Verdict.Valid ? null : ClientIpError(verdict);
            case FieldRole.Request:
                SplitRequest(line, mayHaveEscapes ? Unescape(line, start, end) : new Slice(start, end - start, false));
                break;
            case FieldRole.RemoteUser:
                // Apache logs an empty user name as "".
                _remoteUser = line[start..end] is "\"\"" ? default : TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.Referer:
                _referer = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.UserAgent:
                _userAgent = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.VirtualHost:
                _virtualHost = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.Method:
                _method = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.UrlPath:
                _urlPath = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.Query:
                _query = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            case FieldRole.Protocol:
                _protocol = TextOrDash(line, start, end, mayHaveEscapes);
                break;
            default:
                _extras[step.ExtraIndex] = StoreExtra(line[start..end]);
                break;
        }
        return null;
    }

    private static string ClientIpError(IpLiteral.Verdict verdict) => verdict switch
    {
        IpLiteral.Verdict.Missing => "missing client IP",
        IpLiteral.Verdict.Hostname => "the client address is a host name, not an IP (HostnameLookups On?): log %a instead",
        IpLiteral.Verdict.ZoneId => "the client IPv6 address has a zone id, which PostgreSQL inet cannot store",
        _ => "the client address is not an IPv4 or IPv6 address",
    };

    /// <summary>A text column: escapes decoded, "-" (Apache's "no value") empty.</summary>
    private Slice TextOrDash(ReadOnlySpan<char> line, int start, int end, bool mayHaveEscapes)
    {
        if (end - start == 1 && line[start] == '-')
        {
            return default;
        }
        return mayHaveEscapes ? Unescape(line, start, end) : new Slice(start, end - start, false);
    }

    private Slice Unescape(ReadOnlySpan<char> line, int start, int end)
    {
        var value = line[start..end];
        if (!value.Contains('\\'))
        {
            return new Slice(start, end - start, false);
        }
        var written = LogEscapes.Decode(value, _scratch.AsSpan(_used), _bytes);
        var decoded = new Slice(_used, written, true);
        _used += written;
        return decoded;
    }

    private Range StoreExtra(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value is "-")
        {
            return default;
        }
        var start = _used;
        if (value.Contains('\\'))
        {
            _used += LogEscapes.Decode(value, _scratch.AsSpan(_used), _bytes);
        }
        else
        {
            value.CopyTo(_scratch.AsSpan(_used));
            _used += value.Length;
        }
        return new Range(start, _used);
    }

    private void JoinPath(ReadOnlySpan<char> line)
    {
        if (_urlPath.Length == 0 || _query.Length == 0)
        {
            _path = _urlPath.Length == 0 ? _query : _urlPath;
            return;
        }
        var first = Text(line, _urlPath);
        var second = Text(line, _query);
        var target = _scratch.AsSpan(_used, first.Length + second.Length);
        first.CopyTo(target);
        second.CopyTo(target[first.Length..]);
        _path = new Slice(_used, target.Length, true);
        _used += target.Length;
    }

    /// <summary>
    /// <c>METHOD TARGET PROTOCOL</c>; anything else (a TLS handshake on port 80, "-" on a 408, an HTTP/0.9
    /// "GET /", garbage) is kept whole as the path, without a method or protocol.
    /// </summary>
    private void SplitRequest(ReadOnlySpan<char> line, Slice request)
    {
        var text = Text(line, request);
        var first = MethodLength(text);
        // Nearly every request line ends in " HTTP/1.1".
        var last = first <= 0 ? -1 : text.Length > 9 && text[^9] == ' ' && IsHttpVersion(text[^8..]) ? text.Length - 9 : text.LastIndexOf(' ');
        if (last > first + 1 && IsProtocol(text[(last + 1)..]))
        {
            _method = new Slice(request.Start, first, request.InScratch);
            _path = new Slice(request.Start + first + 1, last - first - 1, request.InScratch);
            _protocol = new Slice(request.Start + last + 1, text.Length - last - 1, request.InScratch);
            return;
        }
        _method = default;
        _path = text is "-" ? default : request;
        _protocol = default;
    }

    /// <summary>The length of the method token before the first space, or -1 when there is none.</summary>
    private static int MethodLength(ReadOnlySpan<char> request)
    {
        var limit = Math.Min(request.Length, 33);
        for (var i = 0; i < limit; i++)
        {
            var c = request[i];
            if (c == ' ')
            {
                return i;
            }
            if (!char.IsAsciiLetterUpper(c) && !MethodChars.Contains(c))
            {
                return -1;
            }
        }
        return -1;
    }

    private static bool IsHttpVersion(ReadOnlySpan<char> text) =>
        text.Length == 8 && text[0] == 'H' && text[1] == 'T' && text[2] == 'T' && text[3] == 'P' && text[4] == '/'
        && char.IsAsciiDigit(text[5]) && text[6] == '.' && char.IsAsciiDigit(text[7]);

    // HTTP/1.1, HTTP/2.0, HTTP/2, RTSP/1.0.
    private static bool IsProtocol(ReadOnlySpan<char> text)
    {
        if (IsHttpVersion(text))
        {
            return true;
        }
        var slash = text.IndexOf('/');
        if (slash <= 0 || text[..slash].ContainsAnyExcept(Letters))
        {
            return false;
        }
        var version = text[(slash + 1)..];
        var dot = version.IndexOf('.');
        if (dot >= 0 && !IsDigits(version[(dot + 1)..]))
        {
            return false;
        }
        return IsDigits(dot < 0 ? version : version[..dot]);
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    /// <summary>Reads a field by its own grammar; returns where it ends, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReadGrammarField(FormatStep step, ReadOnlySpan<char> line, int pos)
    {
        switch (step.Role)
        {
            case FieldRole.Time:
                return ReadTime(step, line, pos);
            case FieldRole.Status:
                return ReadStatus(line, pos, out _status);
            case FieldRole.Bytes:
                // %b writes "-" for no body.
                var end = ReadNumber(line, pos, 1, out var bytes);
                _byteCount = Math.Max(bytes, 0);
                return end;
            case FieldRole.ResponseTime:
                return ReadNumber(line, pos, step.MicrosPerUnit, out _responseTime);
            default:
                return ReadExtraTime(step, line, pos);
        }
    }

    private static int ReadStatus(ReadOnlySpan<char> line, int pos, out int status)
    {
        status = -1;
        if (pos + 3 > line.Length)
        {
            return -1;
        }
        var a = line[pos] - '0';
        var b = line[pos + 1] - '0';
        var c = line[pos + 2] - '0';
        if (a is < 1 or > 9 || (uint)b > 9 || (uint)c > 9 || (pos + 3 < line.Length && char.IsAsciiDigit(line[pos + 3])))
        {
            return -1;
        }
        status = a * 100 + b * 10 + c;
        return pos + 3;
    }

    /// <summary>
    /// A count or duration: "-" is -1 (absent); otherwise digits, with a decimal fraction when the unit is
    /// seconds, times <paramref name="scale"/>. Returns where it ends, or -1.
    /// </summary>
    private static int ReadNumber(ReadOnlySpan<char> line, int pos, long scale, out long value)
    {
        value = -1;
        if (pos < line.Length && line[pos] == '-')
        {
            return pos + 1;
        }
        var maxDigits = scale switch
        {
            1 => 18,
            1000 => 15,
            _ => 12,
        };
        var p = pos;
        var limit = Math.Min(line.Length, pos + maxDigits);
        long whole = 0;
        while (p < limit && char.IsAsciiDigit(line[p]))
        {
            whole = whole * 10 + (line[p] - '0');
            p++;
        }
        if (p == pos || (p < line.Length && char.IsAsciiDigit(line[p])))
        {
            return -1;
        }
        value = whole * scale;
        if (scale > 1 && p + 1 < line.Length && line[p] == '.' && char.IsAsciiDigit(line[p + 1]))
        {
            p++;
            var unit = scale / 10;
            while (p < line.Length && char.IsAsciiDigit(line[p]))
            {
                value += (line[p] - '0') * unit;
                unit /= 10;
                p++;
            }
        }
        return p;
    }

    private int ReadTime(FormatStep step, ReadOnlySpan<char> line, int pos)
    {
        var format = step.Time!;
        if (!step.CachesTime)
        {
            return format.TryParse(line, ref pos, ref _time) ? pos : -1;
        }
        // The first field of the time, with a fixed width: the same text as the last line's gives the same parts.
        var width = _timeKey.Length;
        if (_timeKeyLength == width && pos + width <= line.Length && line.Slice(pos, width).SequenceEqual(_timeKey))
        {
            _time = _timeValue;
            return pos + width;
        }
        return ReadAndCacheTime(format, line, pos);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ReadAndCacheTime(TimeFormat format, ReadOnlySpan<char> line, int pos)
    {
        var start = pos;
        var parts = TimeParts.Empty;
        if (!format.TryParse(line, ref pos, ref parts) || !parts.TryComputeLocalTicks())
        {
            return -1;
        }
        if (pos - start == _timeKey.Length)
        {
            line.Slice(start, _timeKey.Length).CopyTo(_timeKey);
            _timeKeyLength = _timeKey.Length;
            _timeValue = parts;
        }
        _time = parts;
        return pos;
    }

    private int ReadExtraTime(FormatStep step, ReadOnlySpan<char> line, int pos)
    {
        var start = pos;
        var ignored = TimeParts.Empty;
        if (!step.Time!.TryParse(line, ref pos, ref ignored))
        {
            return -1;
        }
        _extras[step.ExtraIndex] = StoreExtra(line[start..pos]);
        return pos;
    }

    private bool TryResolveTime(out DateTime utc)
    {
        utc = default;
        ref var time = ref _time;
        long ticks;
        if (time.EpochTicks >= 0)
        {
            ticks = time.EpochTicks + (time.EpochHasFraction ? 0 : Math.Max(time.FractionTicks, 0));
        }
        else
        {
            if (time.LocalTicks < 0 && !time.TryComputeLocalTicks())
            {
                return false;
            }
            var offset = time.HasOffset ? time.OffsetSeconds * TimeSpan.TicksPerSecond : ZoneOffset(time.LocalTicks);
            ticks = time.LocalTicks + Math.Max(time.FractionTicks, 0) - offset;
        }
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private long ZoneOffset(long localTicks)
    {
        if (_zoneIsUtc)
        {
            return 0;
        }
        if (localTicks != _zoneKey)
        {
            // GetUtcOffset reads an Unspecified time as this zone's local time; in a DST gap it gives the
            // standard offset, in an overlap the standard one too. It does not throw.
            _zoneOffset = _zone.GetUtcOffset(new DateTime(localTicks, DateTimeKind.Unspecified)).Ticks;
            _zoneKey = localTicks;
        }
        return _zoneOffset;
    }
}
