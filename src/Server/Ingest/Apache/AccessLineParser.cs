using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// Parses lines of one <see cref="LogFormat"/>. Not thread-safe: one per batch. A line allocates nothing:
/// decoded text goes to scratch buffers owned by the parser, and the last request time is cached because
/// consecutive lines mostly share their second.
/// </summary>
public sealed class AccessLineParser
{
    private static readonly SearchValues<char> QuoteOrBackslash = SearchValues.Create("\"\\");
    private static readonly SearchValues<char> Letters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> MethodChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly FormatStep[] _steps;
    private readonly TimeZoneInfo _zone;
    private readonly bool _zoneIsUtc;
    private readonly Range[] _extras;

    private char[] _scratch = [];
    private byte[] _bytes = [];
    private char[] _clean = [];
    private int _used;

    private readonly char[] _timeKey;
    private int _timeKeyLength;
    private TimeParts _timeValue;
    private long _zoneKey = -1;
    private long _zoneOffset;

    internal AccessLineParser(LogFormat format, TimeZoneInfo zone)
    {
        _steps = format.Steps;
        _zone = zone;
        _zoneIsUtc = zone.Equals(TimeZoneInfo.Utc) || (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime);
        _extras = new Range[format.ExtraFieldNames.Count];
        _timeKey = new char[Math.Max(0, _steps.FirstOrDefault(s => s.CachesTime)?.Time!.FixedWidth ?? 0)];
    }

    /// <summary>
    /// Parses one line (without its line ending). The spans in <paramref name="entry"/> stay valid until the
    /// next call. On failure <paramref name="error"/> says why, without quoting the line.
    /// </summary>
    public bool TryParse(ReadOnlySpan<char> line, out AccessLine entry, [NotNullWhen(false)] out string? error)
    {
        entry = default;
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }
        if (line.IsEmpty)
        {
            error = "empty line";
            return false;
        }
        if (line.Contains('\0'))
        {
            line = WithoutNul(line);
        }
        Reserve(line.Length);

        ReadOnlySpan<char> clientIp = default, remoteUser = default, method = default, path = default, protocol = default;
        ReadOnlySpan<char> referer = default, userAgent = default, virtualHost = default, urlPath = default, query = default;
        var status = -1;
        var bytes = -1L;
        var responseTime = -1L;
        var time = TimeParts.Empty;

        var steps = _steps;
        var pos = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step.Literal is { } literal)
            {
                if (!line[pos..].StartsWith(literal))
                {
                    error = step.Error;
                    return false;
                }
                pos += literal.Length;
                continue;
            }
            if (step.End == FieldEnd.Grammar)
            {
                var ok = step.Role switch
                {
                    FieldRole.Time => TryReadTime(step, line, ref pos, ref time),
                    FieldRole.Status => TryReadStatus(line, ref pos, out status),
                    FieldRole.Bytes => TryReadBytes(line, ref pos, out bytes),
                    FieldRole.ResponseTime => TryReadNumber(line, ref pos, step.MicrosPerUnit, out responseTime),
                    _ => TryReadExtraTime(step, line, ref pos),
                };
                if (!ok || (step.NextLiteral.Length > 0 && (pos >= line.Length || line[pos] != step.NextLiteral[0])))
                {
                    // A line that simply ends here lacks the format's next literal; anything else is a bad value.
                    error = ok && pos >= line.Length ? steps[i + 1].Error : step.Error;
                    return false;
                }
                continue;
            }

            var start = pos;
            int end;
            switch (step.End)
            {
                case FieldEnd.EndOfLine:
                    end = line.Length;
                    break;
                case FieldEnd.FinalLiteral:
                    end = line.Length - step.NextLiteral.Length;
                    if (end < pos || !line.EndsWith(step.NextLiteral))
                    {
                        error = step.Error;
                        return false;
                    }
                    break;
                default:
                    end = step.QuoteAware ? FindQuoted(line, pos, step.NextLiteral) : FindPlain(line, pos, step.NextLiteral);
                    if (end < 0)
                    {
                        error = step.Error;
                        return false;
                    }
                    break;
            }
            if (step.StopsAtQuery)
            {
                var mark = line[start..end].IndexOf('?');
                end = mark < 0 ? end : start + mark;
            }
            pos = end;
            var value = line[start..end];
            switch (step.Role)
            {
                case FieldRole.ClientIp:
                    error = CheckClientIp(value);
                    if (error is not null)
                    {
                        return false;
                    }
                    clientIp = value;
                    break;
                case FieldRole.Request:
                    SplitRequest(Unescape(value), out method, out path, out protocol);
                    break;
                case FieldRole.Method:
                    method = Text(value);
                    break;
                case FieldRole.UrlPath:
                    urlPath = Text(value);
                    break;
                case FieldRole.Query:
                    query = Text(value);
                    break;
                case FieldRole.Protocol:
                    protocol = Text(value);
                    break;
                case FieldRole.RemoteUser:
                    // Apache logs an empty user name as "".
                    remoteUser = value is "\"\"" ? default : Text(value);
                    break;
                case FieldRole.Referer:
                    referer = Text(value);
                    break;
                case FieldRole.UserAgent:
                    userAgent = Text(value);
                    break;
                case FieldRole.VirtualHost:
                    virtualHost = Text(value);
                    break;
                default:
                    _extras[step.ExtraIndex] = StoreExtra(value);
                    break;
            }
        }
        if (pos != line.Length)
        {
            error = "unexpected text after the end of the format";
            return false;
        }
        if (!TryResolveTime(ref time, out var timeUtc))
        {
            error = "bad date";
            return false;
        }
        if (!urlPath.IsEmpty || !query.IsEmpty)
        {
            path = Concat(urlPath, query);
        }

        entry = new AccessLine
        {
            TimeUtc = timeUtc,
            ClientIp = clientIp,
            RemoteUser = remoteUser,
            Method = method,
            Path = path,
            Protocol = protocol,
            Status = status,
            Bytes = bytes,
            Referer = referer,
            UserAgent = userAgent,
            ResponseTimeMicros = responseTime,
            VirtualHost = virtualHost,
            ExtraRanges = _extras,
            ExtraSource = _scratch.AsSpan(0, _used),
        };
        error = null;
        return true;
    }

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
        var at = literal.Length == 1 ? line[from..].IndexOf(literal[0]) : line[from..].IndexOf(literal);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>
    /// The first <paramref name="literal"/> (starting with a quote) that is not inside an escape. A quote
    /// that is not followed by the rest of the literal is taken as part of the value: servers other than
    /// Apache write unescaped quotes.
    /// </summary>
    private static int FindQuoted(ReadOnlySpan<char> line, int from, string literal)
    {
        var p = from;
        while (p < line.Length)
        {
            var at = line[p..].IndexOfAny(QuoteOrBackslash);
            if (at < 0)
            {
                return -1;
            }
            p += at;
            if (line[p] == '\\' && literal[0] != '\\')
            {
                p += 2;
                continue;
            }
            if (line[p..].StartsWith(literal))
            {
                return p;
            }
            p++;
        }
        return -1;
    }

    private static string? CheckClientIp(ReadOnlySpan<char> value) => IpLiteral.Check(value) switch
    {
        IpLiteral.Verdict.Valid => null,
        IpLiteral.Verdict.Missing => "missing client IP",
        IpLiteral.Verdict.Hostname => "the client address is a host name, not an IP (HostnameLookups On?): log %a instead",
        IpLiteral.Verdict.ZoneId => "the client IPv6 address has a zone id, which PostgreSQL inet cannot store",
        _ => "the client address is not an IPv4 or IPv6 address",
    };

    /// <summary>A text column: escapes decoded, "-" (Apache's "no value") empty.</summary>
    private ReadOnlySpan<char> Text(ReadOnlySpan<char> value) => value is "-" ? default : Unescape(value);

    private ReadOnlySpan<char> Unescape(ReadOnlySpan<char> value)
    {
        if (!value.Contains('\\'))
        {
            return value;
        }
        var written = LogEscapes.Decode(value, _scratch.AsSpan(_used), _bytes);
        var decoded = _scratch.AsSpan(_used, written);
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

    private ReadOnlySpan<char> Concat(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        if (first.IsEmpty || second.IsEmpty)
        {
            return first.IsEmpty ? second : first;
        }
        var target = _scratch.AsSpan(_used, first.Length + second.Length);
        first.CopyTo(target);
        second.CopyTo(target[first.Length..]);
        _used += target.Length;
        return target;
    }

    /// <summary>
    /// <c>METHOD TARGET PROTOCOL</c>; anything else (a TLS handshake on port 80, "-" on a 408, an HTTP/0.9
    /// "GET /", garbage) is kept whole as the path, without a method or protocol.
    /// </summary>
    private static void SplitRequest(ReadOnlySpan<char> request, out ReadOnlySpan<char> method, out ReadOnlySpan<char> path, out ReadOnlySpan<char> protocol)
    {
        var first = request.IndexOf(' ');
        var last = request.LastIndexOf(' ');
        if (first > 0 && last > first + 1 && first <= 32 && !request[..first].ContainsAnyExcept(MethodChars) && IsProtocol(request[(last + 1)..]))
        {
            method = request[..first];
            path = request[(first + 1)..last];
            protocol = request[(last + 1)..];
            return;
        }
        method = default;
        path = request is "-" ? default : request;
        protocol = default;
    }

    // HTTP/1.1, HTTP/2.0, HTTP/2, RTSP/1.0.
    private static bool IsProtocol(ReadOnlySpan<char> text)
    {
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

    private static bool TryReadStatus(ReadOnlySpan<char> line, ref int pos, out int status)
    {
        status = -1;
        if (pos + 3 > line.Length)
        {
            return false;
        }
        var a = line[pos] - '0';
        var b = line[pos + 1] - '0';
        var c = line[pos + 2] - '0';
        if (a is < 1 or > 9 || (uint)b > 9 || (uint)c > 9 || (pos + 3 < line.Length && char.IsAsciiDigit(line[pos + 3])))
        {
            return false;
        }
        status = a * 100 + b * 10 + c;
        pos += 3;
        return true;
    }

    /// <summary>A byte count; %b writes "-" for none.</summary>
    private static bool TryReadBytes(ReadOnlySpan<char> line, ref int pos, out long bytes)
    {
        var ok = TryReadNumber(line, ref pos, 1, out bytes);
        bytes = Math.Max(bytes, 0);
        return ok;
    }

    /// <summary>
    /// A count or duration: "-" is -1 (absent); otherwise digits, with a decimal fraction when the unit is
    /// seconds, times <paramref name="scale"/>.
    /// </summary>
    private static bool TryReadNumber(ReadOnlySpan<char> line, ref int pos, long scale, out long value)
    {
        value = -1;
        if (pos < line.Length && line[pos] == '-')
        {
            pos++;
            return true;
        }
        var maxDigits = scale switch
        {
            1 => 18,
            1000 => 15,
            _ => 12,
        };
        var start = pos;
        long whole = 0;
        while (pos < line.Length && pos - start < maxDigits && char.IsAsciiDigit(line[pos]))
        {
            whole = whole * 10 + (line[pos] - '0');
            pos++;
        }
        if (pos == start || (pos < line.Length && char.IsAsciiDigit(line[pos])))
        {
            return false;
        }
        value = whole * scale;
        if (scale > 1 && pos + 1 < line.Length && line[pos] == '.' && char.IsAsciiDigit(line[pos + 1]))
        {
            pos++;
            var unit = scale / 10;
            while (pos < line.Length && char.IsAsciiDigit(line[pos]))
            {
                value += (line[pos] - '0') * unit;
                unit /= 10;
                pos++;
            }
        }
        return true;
    }

    private bool TryReadTime(FormatStep step, ReadOnlySpan<char> line, ref int pos, ref TimeParts time)
    {
        var format = step.Time!;
        if (!step.CachesTime)
        {
            return format.TryParse(line, ref pos, ref time);
        }
        // The first field of the time, with a fixed width: the same text as the last line's gives the same parts.
        var width = _timeKey.Length;
        if (_timeKeyLength == width && pos + width <= line.Length && line.Slice(pos, width).SequenceEqual(_timeKey))
        {
            time = _timeValue;
            pos += width;
            return true;
        }
        var start = pos;
        var parts = TimeParts.Empty;
        if (!format.TryParse(line, ref pos, ref parts) || !parts.TryComputeLocalTicks())
        {
            return false;
        }
        if (pos - start == width)
        {
            line.Slice(start, width).CopyTo(_timeKey);
            _timeKeyLength = width;
            _timeValue = parts;
        }
        time = parts;
        return true;
    }

    private bool TryReadExtraTime(FormatStep step, ReadOnlySpan<char> line, ref int pos)
    {
        var start = pos;
        var ignored = TimeParts.Empty;
        if (!step.Time!.TryParse(line, ref pos, ref ignored))
        {
            return false;
        }
        _extras[step.ExtraIndex] = StoreExtra(line[start..pos]);
        return true;
    }

    private bool TryResolveTime(ref TimeParts time, out DateTime utc)
    {
        utc = default;
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
