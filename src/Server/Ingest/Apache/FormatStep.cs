namespace Dashboard.Server.Ingest.Apache;

/// <summary>Where a field's value goes in <see cref="AccessLine"/>.</summary>
internal enum FieldRole : byte
{
    Extra,
    ClientIp,
    Time,
    Request,
    Method,
    UrlPath,
    Query,
    Protocol,
    Status,
    Bytes,
    ResponseTime,
    VirtualHost,
    RemoteUser,
    Referer,
    UserAgent,
}

/// <summary>How the parser finds where a field's value ends.</summary>
internal enum FieldEnd : byte
{
    /// <summary>Read by its own grammar: a time, a status, a number.</summary>
    Grammar,

    /// <summary>The last token of the format: the rest of the line.</summary>
    EndOfLine,

    /// <summary>Followed by the format's final literal: the line must end with it.</summary>
    FinalLiteral,

    /// <summary>Up to the first occurrence of the next literal (outside escapes, for quoted fields).</summary>
    Literal,
}

/// <summary>
/// One token of a format: literal text or a directive. Compiled, each directive also carries the literal that
/// follows it, so the plan the parser walks is one step per field.
/// </summary>
internal sealed class FormatStep
{
    /// <summary>The text to match, for a literal step; null for a field.</summary>
    public string? Literal { get; init; }

    /// <summary>The directive as written (<c>%&gt;s</c>, <c>%{Referer}i</c>), for error messages.</summary>
    public string Directive { get; init; } = "";

    /// <summary>The directive letter, or <c>^ti</c>, <c>^to</c>, <c>^FB</c>.</summary>
    public string Code { get; init; } = "";

    public string Argument { get; init; } = "";

    /// <summary>Written with <c>%&gt;</c>: the final request after internal redirects (<c>%s</c> is the original's).</summary>
    public bool WantsFinal { get; init; }

    public TimeFormat? Time { get; init; }

    public FieldRole Role { get; set; }
    public FieldEnd End { get; set; }

    /// <summary>The literal text that follows this field and is consumed with it; empty when a field or the end follows.</summary>
    public string After { get; set; } = "";

    /// <summary>The literal that bounds a delimited field's value: <see cref="After"/>, or for %U%q the literal after %q.</summary>
    public string Search { get; set; } = "";

    /// <summary>The reason given when <see cref="After"/> is missing.</summary>
    public string AfterError { get; set; } = "";

    /// <summary><see cref="Search"/> starts with a quote, so <c>\"</c> inside the value must not end it.</summary>
    public bool QuoteAware { get; set; }

    /// <summary>Followed directly by <c>%q</c>: the value ends at the first '?' before the boundary.</summary>
    public bool StopsAtQuery { get; set; }

    public int ExtraIndex { get; set; } = -1;

    /// <summary>For the response time: microseconds per logged unit.</summary>
    public long MicrosPerUnit { get; set; }

    /// <summary>This time field is the first of the request time and has a fixed width: cache its text.</summary>
    public bool CachesTime { get; set; }

    /// <summary>The reason given when this step does not match a line.</summary>
    public string Error { get; set; } = "";

    public bool IsLiteral => Literal is not null;
}
