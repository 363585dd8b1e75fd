using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Server.Ingest;

/// <summary>
/// What an ingest request says about itself in its headers, validated before any body is read: the host
/// its token ships for, the endpoint, the kind of body, its Idempotency-Key, and the times it may carry.
/// </summary>
internal sealed record IngestRequest(HttpContext Context, IngestHost Host, string Endpoint, BodyKind Kind, string? IdempotencyKey, AcceptedTimes Times)
{
    private const int MaxIdempotencyKeyLength = 200;

    private HttpRequest Request => Context.Request;

    /// <summary>The request, or the 4xx that refuses it (415 content type, 413 declared length, 400 Idempotency-Key).</summary>
    public static bool TryRead(HttpContext context, string endpoint, IngestOptions limits, TimeProvider clock,
        [NotNullWhen(true)] out IngestRequest? request, [NotNullWhen(false)] out IngestOutcome.Refused? refusal)
    {
        request = null;
        refusal = null;
        // Set by the ingest token's authentication; the endpoint's policy lets no request in without it.
        var host = context.Features.Get<IngestHost>() ?? throw new InvalidOperationException("an ingest request without its host");
        if (!BodyDecoding.TryGetKind(context.Request.ContentType, out var kind))
        {
            refusal = new(StatusCodes.Status415UnsupportedMediaType, "unsupported Content-Type; send text/plain lines, application/json or application/x-ndjson");
            return false;
        }
        if (context.Request.ContentLength > limits.MaxBodyBytes)
        {
            refusal = new(StatusCodes.Status413PayloadTooLarge, $"body is larger than {limits.MaxBodyBytes} bytes");
            return false;
        }
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            refusal = new(StatusCodes.Status400BadRequest, $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters");
            return false;
        }
        request = new IngestRequest(context, host, endpoint, kind, key.Length > 0 ? key : null, new AcceptedTimes(clock.GetUtcNow().UtcDateTime));
        return true;
    }

    /// <summary>The access log's format: <c>X-Log-Format</c> (a nickname or a LogFormat string), else the host's.</summary>
    public bool TryGetLogFormat([NotNullWhen(true)] out LogFormat? format, [NotNullWhen(false)] out string? error)
    {
        var formatText = Request.Headers["X-Log-Format"].ToString();
        if (LogFormat.TryCompile(formatText.Length > 0 ? formatText : Host.LogFormat, out format, out var compileError))
        {
            error = null;
            return true;
        }
        error = formatText.Length > 0 ? $"X-Log-Format: {compileError}" : $"host log format: {compileError}";
        return false;
    }

    /// <summary>Where times without an offset were written: <c>X-Log-Timezone</c> (IANA), else the host's zone.</summary>
    public bool TryGetTimeZone([NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        var name = Request.Headers["X-Log-Timezone"].ToString();
        var fromHeader = name.Length > 0;
        if (TimeZoneInfo.TryFindSystemTimeZoneById(fromHeader ? name : Host.TimeZone, out zone))
        {
            error = null;
            return true;
        }
        error = fromHeader ? "X-Log-Timezone is not a known IANA time zone" : $"host time zone '{Host.TimeZone}' is not known on this server";
        return false;
    }

    /// <summary><c>X-Log-Year</c>: a year whose lines can be accepted (<see cref="AcceptedTimes"/>); null when absent.</summary>
    public bool TryGetYear(out int? year, [NotNullWhen(false)] out string? error)
    {
        year = null;
        error = null;
        var value = Request.Headers["X-Log-Year"].ToString();
        if (value.Length == 0)
        {
            return true;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            && parsed >= AcceptedTimes.Earliest.Year && parsed <= Times.Latest.Year)
        {
            year = parsed;
            return true;
        }
        error = $"X-Log-Year must be a year from {AcceptedTimes.Earliest.Year} to {Times.Latest.Year}";
        return false;
    }

    /// <summary><c>X-Sample-Time</c>, else the time of receipt.</summary>
    public bool TryGetSampleTime(out DateTime sampleTimeUtc, [NotNullWhen(false)] out string? error)
    {
        sampleTimeUtc = Times.ReceivedAtUtc;
        error = null;
        var value = Request.Headers["X-Sample-Time"].ToString();
        if (value.Length == 0)
        {
            return true;
        }
        if (!Rfc3339.TryParse(value, out var parsed))
        {
            error = "X-Sample-Time must be an RFC 3339 time with an offset";
            return false;
        }
        if (!Times.Contain(parsed.UtcDateTime))
        {
            error = $"X-Sample-Time: {AcceptedTimes.Reason}";
            return false;
        }
        sampleTimeUtc = parsed.UtcDateTime;
        return true;
    }
}
