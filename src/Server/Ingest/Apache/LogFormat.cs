using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Dashboard.Server.Ingest.Apache;

/// <summary>
/// An Apache <c>LogFormat</c> compiled once into a parser plan (literal text and fields, each field
/// knowing where its value ends and which <see cref="AccessLine"/> member it fills). Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Fields that have no column of their own are kept as extras, named as follows: a request header by its
/// name as written (<c>X-Forwarded-For</c>); <c>response.</c>, <c>env.</c>, <c>note.</c>, <c>cookie.</c>,
/// <c>ssl.</c>, <c>trailer.</c> and <c>response.trailer.</c> plus the name for <c>%{…}o e n C x c ^ti ^to</c>;
/// <c>logname</c> (%l), <c>port</c>, <c>localPort</c>, <c>remotePort</c> (%p), <c>bytesIn</c> (%I),
/// <c>bytesOut</c> (%O when %b or %B gives the bytes), <c>bytesTransferred</c> (%S), <c>localIp</c> (%A),
/// <c>remoteHost</c> (%h when %a gives the client), <c>peerIp</c> (%{c}a), <c>keepAliveRequests</c> (%k),
/// <c>logId</c>, <c>connectionLogId</c> (%L), <c>pid</c>, <c>tid</c> (%P), <c>filename</c> (%f),
/// <c>handler</c> (%R), <c>connectionStatus</c> (%X), <c>originalStatus</c> (%&lt;s beside %&gt;s),
/// <c>serverName</c> (%V beside %v), <c>method</c>, <c>urlPath</c>, <c>query</c>, <c>protocol</c> (%m %U
/// %q %H beside %r), <c>responseTimeUs</c>, <c>responseTimeMs</c>, <c>responseTimeS</c> (a coarser duration
/// beside a finer one), <c>timeToFirstByteUs</c> (%^FB), <c>beginTime</c>/<c>endTime</c> (a time of the
/// other end of the request). A name that repeats gets <c>#2</c>, <c>#3</c>…; a value of <c>-</c> is empty.
/// </remarks>
public sealed class LogFormat
{
    private const int MaxDefinitionLength = 4096;

    private static readonly Dictionary<string, string> Nicknames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["common"] = "%h %l %u %t \"%r\" %>s %b",
        ["combined"] = "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"",
        ["vhost_combined"] = "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"",
        ["combinedio"] = "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O",
    };

    private const string KnownCodes = "aAbBcCDefhHiIklLmnoOpPqrRsStTuUvVxX";

    private LogFormat(string definition, string leadingLiteral, FormatStep[] steps, string[] extraFieldNames, bool needsTimeZone)
    {
        Definition = definition;
        LeadingLiteral = leadingLiteral;
        Steps = steps;
        ExtraFieldNames = extraFieldNames;
        NeedsTimeZone = needsTimeZone;
    }

    /// <summary>The format string, after a nickname (<c>combined</c>, …) is expanded.</summary>
    public string Definition { get; }

    /// <summary>Names of the fields the format carries beyond the access_log columns (e.g. a request header).</summary>
    public IReadOnlyList<string> ExtraFieldNames { get; }

    /// <summary>
    /// True when the request time is logged without a UTC offset (a <c>%{…}t</c> format without <c>%z</c>):
    /// such times are read in the zone given to <see cref="CreateParser"/>.
    /// </summary>
    public bool NeedsTimeZone { get; }

    /// <summary>Literal text before the first field.</summary>
    internal string LeadingLiteral { get; }

    internal string LeadingError => $"the line does not match the format: expected {Show(LeadingLiteral)} at the start of the line";

    /// <summary>The plan: one step per field, each with the literal that follows it.</summary>
    internal FormatStep[] Steps { get; }

    /// <summary>
    /// Compiles a nickname (<c>common</c>, <c>combined</c>, <c>vhost_combined</c>, <c>combinedio</c>) or a
    /// format string, written either as in httpd.conf (<c>\"%r\"</c>, optionally inside the outer quotes)
    /// or with plain quotes.
    /// </summary>
    public static bool TryCompile(string formatOrNickname, [NotNullWhen(true)] out LogFormat? format, [NotNullWhen(false)] out string? error)
    {
        format = null;
        var definition = (formatOrNickname ?? "").Trim();
        if (Nicknames.TryGetValue(definition, out var expanded))
        {
            definition = expanded;
        }
        definition = UnwrapConfigQuotes(definition);
        if (definition.Length == 0)
        {
            error = "the log format is empty";
            return false;
        }
        if (definition.Length > MaxDefinitionLength)
        {
            error = $"the log format is longer than {MaxDefinitionLength} characters";
            return false;
        }
        if (!TryTokenize(definition, out var tokens, out error)
            || !TryAssignRoles(tokens, out var extraNames, out var needsTimeZone, out error)
            || !TryPlan(tokens, out var leading, out var plan, out error))
        {
            return false;
        }
        format = new LogFormat(definition, leading, plan, extraNames, needsTimeZone);
        return true;
    }

    /// <summary>
    /// A parser for one thread; it reuses scratch buffers between lines. Times logged without a UTC offset
    /// (see <see cref="NeedsTimeZone"/>) are taken as local times in <paramref name="zoneForTimesWithoutOffset"/>,
    /// the logging host's IANA zone.
    /// </summary>
    public AccessLineParser CreateParser(TimeZoneInfo zoneForTimesWithoutOffset)
    {
        ArgumentNullException.ThrowIfNull(zoneForTimesWithoutOffset);
        return new AccessLineParser(this, zoneForTimesWithoutOffset);
    }

    // httpd.conf form: "%h \"%r\"" with the outer quotes still on.
    private static string UnwrapConfigQuotes(string definition)
    {
        if (definition.Length < 2 || definition[0] != '"' || definition[^1] != '"' || !definition.Contains("\\\"", StringComparison.Ordinal))
        {
            return definition;
        }
        var inner = definition.AsSpan(1, definition.Length - 2);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\')
            {
                i++;
            }
            else if (inner[i] == '"')
            {
                return definition;
            }
        }
        return inner[^1] == '\\' ? definition : inner.ToString();
    }

    private static bool TryTokenize(string f, out List<FormatStep> steps, [NotNullWhen(false)] out string? error)
    {
        steps = [];
        var literal = new StringBuilder();
        var i = 0;
        while (i < f.Length)
        {
            var c = f[i];
            if (c == '\\' && i + 1 < f.Length)
            {
                // The config file's \" and mod_log_config's own \\ \n \r \t; any other backslash is literal.
                var unescaped = f[i + 1] switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => '\0',
                };
                if (unescaped == '\0')
                {
                    literal.Append('\\');
                    i++;
                }
                else
                {
                    literal.Append(unescaped);
                    i += 2;
                }
                continue;
            }
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }
            if (i + 1 < f.Length && f[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }
            if (!TryReadDirective(f, ref i, out var step, out error))
            {
                return false;
            }
            if (literal.Length > 0)
            {
                steps.Add(new FormatStep { Literal = literal.ToString() });
                literal.Clear();
            }
            steps.Add(step);
        }
        if (literal.Length > 0)
        {
            steps.Add(new FormatStep { Literal = literal.ToString() });
        }
        error = null;
        return true;
    }

    // Apache's parse_log_item: modifiers (! < > , status codes {argument}) in any order, then the letter.
    private static bool TryReadDirective(string f, ref int i, [NotNullWhen(true)] out FormatStep? step, [NotNullWhen(false)] out string? error)
    {
        step = null;
        var start = i;
        var position = start + 1;
        i++;
        var wantsFinal = false;
        string? argument = null;
        while (i < f.Length)
        {
            var c = f[i];
            switch (c)
            {
                case '!' or ',':
                    i++;
                    continue;
                case '<':
                    wantsFinal = false;
                    i++;
                    continue;
                case '>':
                    wantsFinal = true;
                    i++;
                    continue;
                case '{':
                    var close = f.IndexOf('}', i + 1);
                    if (close < 0)
                    {
                        error = $"'%{{' at position {position} has no closing '}}'";
                        return false;
                    }
                    argument = f[(i + 1)..close];
                    i = close + 1;
                    continue;
            }
            if (char.IsAsciiDigit(c))
            {
                while (i < f.Length && char.IsAsciiDigit(f[i]))
                {
                    i++;
                }
                continue;
            }
            string code;
            if (c == '^' && i + 2 < f.Length && f.AsSpan(i, 3) is "^ti" or "^to" or "^FB")
            {
                code = f.Substring(i, 3);
                i += 3;
            }
            else if (char.IsAsciiLetter(c) && KnownCodes.Contains(c, StringComparison.Ordinal))
            {
                code = c.ToString();
                i++;
            }
            else
            {
                error = c == '^'
                    ? $"%{f.AsSpan(i, Math.Min(3, f.Length - i))} at position {position} is not an Apache LogFormat directive"
                    : $"%{c} at position {position} is not an Apache LogFormat directive";
                return false;
            }
            return TryCreateField(f[start..i], code, argument ?? "", wantsFinal, out step, out error);
        }
        error = $"the format ends inside the directive at position {position}";
        return false;
    }

    private static bool TryCreateField(string directive, string code, string argument, bool wantsFinal, [NotNullWhen(true)] out FormatStep? step, [NotNullWhen(false)] out string? error)
    {
        step = null;
        error = null;
        TimeFormat? time = null;
        switch (code)
        {
            case "i" or "o" or "e" or "n" or "C" or "x" or "c" or "^ti" or "^to" when argument.Length == 0:
                error = $"{directive} needs a name: write %{{Name}}{code}";
                return false;
            case "T" when argument.Length > 0 && !IsOneOf(argument, "s", "ms", "us"):
                error = $"{directive}: the unit must be s, ms or us";
                return false;
            case "p" when argument.Length > 0 && !IsOneOf(argument, "canonical", "local", "remote"):
                error = $"{directive}: expected canonical, local or remote";
                return false;
            case "P" when argument.Length > 0 && !IsOneOf(argument, "pid", "tid", "hextid"):
                error = $"{directive}: expected pid, tid or hextid";
                return false;
            case "t" when !TimeFormat.TryCompile(argument, out time, out error):
                return false;
        }
        step = new FormatStep { Directive = directive, Code = code, Argument = argument, WantsFinal = wantsFinal, Time = time };
        return true;
    }

    private static bool IsOneOf(string value, params ReadOnlySpan<string> options)
    {
        foreach (var option in options)
        {
            if (value.Equals(option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryAssignRoles(List<FormatStep> steps, out string[] extraNames, out bool needsTimeZone, [NotNullWhen(false)] out string? error)
    {
        extraNames = [];
        needsTimeZone = false;
        var fields = steps.Where(s => !s.IsLiteral).ToList();

        var client = fields.Find(s => s.Code == "a" && !IsC(s)) ?? fields.Find(s => s.Code == "h" && !IsC(s))
            ?? fields.Find(s => s.Code == "a") ?? fields.Find(s => s.Code == "h");
        if (client is null)
        {
            error = "the format logs no client address: it needs %a, %h or %{c}a";
            return false;
        }
        client.Role = FieldRole.ClientIp;

        var timeFields = fields.Where(s => s.Code == "t").ToList();
        if (timeFields.Count == 0)
        {
            error = "the format logs no request time: it needs %t or %{format}t";
            return false;
        }
        // The request time is read from the begin-of-request fields, or the end-of-request ones if that is all there is.
        var useEnd = timeFields.TrueForAll(s => s.Time!.IsEnd);
        var primary = timeFields.Where(s => s.Time!.IsEnd == useEnd).ToList();
        if (!TryCheckTime(primary, out needsTimeZone, out error))
        {
            return false;
        }
        foreach (var field in primary)
        {
            field.Role = FieldRole.Time;
        }
        var first = primary[0];
        first.CachesTime = first.Time!.FixedWidth > 0 && first.Time.IsCompleteDateTime;

        var request = fields.Find(s => s.Code == "r");
        if (request is not null)
        {
            request.Role = FieldRole.Request;
        }
        else
        {
            Assign(fields.Find(s => s.Code == "m"), FieldRole.Method);
            Assign(fields.Find(s => s.Code == "U"), FieldRole.UrlPath);
            Assign(fields.Find(s => s.Code == "q"), FieldRole.Query);
            Assign(fields.Find(s => s.Code == "H"), FieldRole.Protocol);
        }
        Assign(fields.Find(s => s.Code == "s" && s.WantsFinal) ?? fields.Find(s => s.Code == "s"), FieldRole.Status);
        Assign(fields.Find(s => s.Code is "b" or "B") ?? fields.Find(s => s.Code == "O"), FieldRole.Bytes);
        Assign(fields.Find(s => s.Code == "v") ?? fields.Find(s => s.Code == "V"), FieldRole.VirtualHost);
        Assign(fields.Find(s => s.Code == "u"), FieldRole.RemoteUser);
        Assign(fields.Find(s => s.Code == "i" && s.Argument.Equals("Referer", StringComparison.OrdinalIgnoreCase)), FieldRole.Referer);
        Assign(fields.Find(s => s.Code == "i" && s.Argument.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)), FieldRole.UserAgent);

        foreach (var field in fields.Where(s => s.Code is "D" or "T"))
        {
            field.MicrosPerUnit = field.Code == "D" ? 1 : field.Argument.ToUpperInvariant() switch
            {
                "MS" => 1000,
                "US" => 1,
                _ => 1_000_000,
            };
        }
        // The finest duration the format logs becomes the response time.
        Assign(fields.Where(s => s.MicrosPerUnit > 0).OrderBy(s => s.MicrosPerUnit).FirstOrDefault(), FieldRole.ResponseTime);

        var names = new List<string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields.Where(s => s.Role == FieldRole.Extra))
        {
            var name = ExtraName(field);
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = string.Create(CultureInfo.InvariantCulture, $"{name}#{n}");
            }
            field.ExtraIndex = names.Count;
            names.Add(unique);
        }
        extraNames = [.. names];
        error = null;
        return true;
    }

    private static bool IsC(FormatStep step) => step.Argument == "c";

    private static void Assign(FormatStep? step, FieldRole role)
    {
        if (step is not null && step.Role == FieldRole.Extra)
        {
            step.Role = role;
        }
    }

    private static bool TryCheckTime(List<FormatStep> primary, out bool needsTimeZone, [NotNullWhen(false)] out string? error)
    {
        needsTimeZone = false;
        var formats = primary.Select(s => s.Time!).ToList();
        var directives = string.Join(" ", primary.Select(s => s.Directive));
        if (formats.Exists(t => t.HasEpoch))
        {
            error = null;
            return true;
        }
        var hasDate = formats.Exists(t => t.HasYear) && (formats.Exists(t => t.HasYearDay) || (formats.Exists(t => t.HasMonth) && formats.Exists(t => t.HasDay)));
        var hasTime = (formats.Exists(t => t.HasHour) || (formats.Exists(t => t.HasHour12) && formats.Exists(t => t.HasAmPm)))
            && formats.Exists(t => t.HasMinute);
        if (!hasDate || !hasTime)
        {
            error = $"the request time ({directives}) does not give {(hasDate ? "the time of day" : "a full date")}";
            return false;
        }
        needsTimeZone = !formats.Exists(t => t.HasOffset);
        error = null;
        return true;
    }

    private static string ExtraName(FormatStep field)
    {
        var argument = field.Argument;
        return field.Code switch
        {
            "i" => argument,
            "o" => "response." + argument,
            "e" => "env." + argument,
            "n" => "note." + argument,
            "C" => "cookie." + argument,
            "x" or "c" => "ssl." + argument,
            "^ti" => "trailer." + argument,
            "^to" => "response.trailer." + argument,
            "^FB" => "timeToFirstByteUs",
            "a" => IsC(field) ? "peerIp" : "clientIp",
            "A" => "localIp",
            "b" or "B" => "bytes",
            "I" => "bytesIn",
            "O" => "bytesOut",
            "S" => "bytesTransferred",
            "D" => "responseTimeUs",
            "T" => field.MicrosPerUnit switch
            {
                1 => "responseTimeUs",
                1000 => "responseTimeMs",
                _ => "responseTimeS",
            },
            "f" => "filename",
            "h" => IsC(field) ? "peerHost" : "remoteHost",
            "H" => "protocol",
            "k" => "keepAliveRequests",
            "l" => "logname",
            "L" => IsC(field) ? "connectionLogId" : "logId",
            "m" => "method",
            "p" => argument.ToUpperInvariant() switch
            {
                "LOCAL" => "localPort",
                "REMOTE" => "remotePort",
                _ => "port",
            },
            "P" => argument.Length == 0 || argument.Equals("pid", StringComparison.OrdinalIgnoreCase) ? "pid" : "tid",
            "q" => "query",
            "r" => "request",
            "R" => "handler",
            "s" => field.WantsFinal ? "status" : "originalStatus",
            "t" => field.Time!.IsEnd ? "endTime" : "beginTime",
            "u" => "remoteUser",
            "U" => "urlPath",
            "v" => "virtualHost",
            "V" => "serverName",
            "X" => "connectionStatus",
            _ => field.Code,
        };
    }

    private static bool IsGrammarField(FormatStep step) =>
        step.Code == "t" || step.Role is FieldRole.Status or FieldRole.Bytes or FieldRole.ResponseTime;

    /// <summary>
    /// Decides how each field's value ends and attaches to it the literal that follows it, leaving a plan of
    /// fields only (plus the literal the line starts with).
    /// </summary>
    private static bool TryPlan(List<FormatStep> tokens, out string leading, out FormatStep[] plan, [NotNullWhen(false)] out string? error)
    {
        leading = tokens[0].Literal ?? "";
        plan = [.. tokens.Where(t => !t.IsLiteral)];
        for (var k = 0; k < tokens.Count; k++)
        {
            var step = tokens[k];
            if (step.IsLiteral)
            {
                continue;
            }
            var next = k + 1 < tokens.Count ? tokens[k + 1] : null;
            step.After = next?.Literal ?? "";
            step.AfterError = $"the line does not match the format: expected {Show(step.After)} after {step.Directive}";
            if (IsGrammarField(step))
            {
                step.End = FieldEnd.Grammar;
                step.Error = step.Role switch
                {
                    FieldRole.Status => "bad status",
                    FieldRole.Bytes => "bad byte count",
                    FieldRole.ResponseTime => "bad response time",
                    _ => "bad date",
                };
                continue;
            }
            // %U%q: the query string starts with '?', so the path ends where the query's own end is or before.
            step.StopsAtQuery = next is { Code: "q" };
            var boundary = step.StopsAtQuery ? k + 1 : k;
            var bound = boundary + 1 < tokens.Count ? tokens[boundary + 1] : null;
            if (bound is null)
            {
                step.End = FieldEnd.EndOfLine;
            }
            else if (bound.IsLiteral)
            {
                step.End = boundary + 2 == tokens.Count ? FieldEnd.FinalLiteral : FieldEnd.Literal;
                step.Search = bound.Literal!;
                step.QuoteAware = bound.Literal![0] is '"' or '\\';
                step.Error = $"the line does not match the format: no {Show(bound.Literal)} after {tokens[boundary].Directive}";
            }
            else
            {
                error = $"{tokens[boundary].Directive} is directly followed by {bound.Directive}: without text between them the line cannot be split";
                return false;
            }
        }
        error = null;
        return true;
    }

    private static string Show(string literal) =>
        "'" + literal.Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "'";
}
