using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Server.Ingest;

/// <summary>What an ingest request says about itself in its headers, validated before any body is read.</summary>
internal static class IngestRequest
{
    private const int MaxIdempotencyKeyLength = 200;

    public static IngestHost Host(ClaimsPrincipal user) => new(
        int.Parse(user.FindFirstValue(DashboardClaims.HostId)!, CultureInfo.InvariantCulture),
        user.FindFirstValue(DashboardClaims.HostName)!,
        user.FindFirstValue(DashboardClaims.HostTimeZone)!,
        user.FindFirstValue(DashboardClaims.HostLogFormat)!);

    public static bool TryGetIdempotencyKey(HttpRequest request, out string? key, out string? error)
    {
        key = null;
        error = null;
        var value = request.Headers["Idempotency-Key"].ToString();
        if (value.Length == 0)
        {
            return true;
        }
        if (value.Length > MaxIdempotencyKeyLength || value.Any(c => c is < '!' or > '~'))
        {
            error = $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters";
            return false;
        }
        key = value;
        return true;
    }

    /// <summary>The access log's format: <c>X-Log-Format</c> (a nickname or a LogFormat string), else the host's.</summary>
    public static bool TryGetLogFormat(HttpRequest request, IngestHost host, [NotNullWhen(true)] out LogFormat? format, [NotNullWhen(false)] out string? error)
    {
        var formatText = request.Headers["X-Log-Format"].ToString();
        if (LogFormat.TryCompile(formatText.Length > 0 ? formatText : host.LogFormat, out format, out var compileError))
        {
            error = null;
            return true;
        }
        error = formatText.Length > 0 ? $"X-Log-Format: {compileError}" : $"host log format: {compileError}";
        return false;
    }

    public static bool TryGetTimeZone(HttpRequest request, IngestHost host, out TimeZoneInfo zone, out string? error)
    {
        var name = request.Headers["X-Log-Timezone"].ToString();
        var fromHeader = name.Length > 0;
        if (!fromHeader)
        {
            name = host.TimeZone;
        }
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found))
        {
            zone = found;
            error = null;
            return true;
        }
        zone = TimeZoneInfo.Utc;
        error = fromHeader ? "X-Log-Timezone is not a known IANA time zone" : $"host time zone '{host.TimeZone}' is not known on this server";
        return false;
    }

    /// <summary><c>X-Log-Year</c>: a year whose lines can be accepted (<see cref="AcceptedTimes"/>).</summary>
    public static bool TryGetYear(HttpRequest request, AcceptedTimes times, out int? year, out string? error)
    {
        year = null;
        error = null;
        var value = request.Headers["X-Log-Year"].ToString();
        if (value.Length == 0)
        {
            return true;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            && parsed >= AcceptedTimes.Earliest.Year && parsed <= times.Latest.Year)
        {
            year = parsed;
            return true;
        }
        error = $"X-Log-Year must be a year from {AcceptedTimes.Earliest.Year} to {times.Latest.Year}";
        return false;
    }

    /// <summary><c>X-Sample-Time</c>, else the time of receipt.</summary>
    public static bool TryGetSampleTime(HttpRequest request, AcceptedTimes times, out DateTime sampleTimeUtc, out string? error)
    {
        sampleTimeUtc = times.ReceivedAtUtc;
        error = null;
        var value = request.Headers["X-Sample-Time"].ToString();
        if (value.Length == 0)
        {
            return true;
        }
        if (!Rfc3339.TryParse(value, out var parsed))
        {
            error = "X-Sample-Time must be an RFC 3339 time with an offset";
            return false;
        }
        if (!times.Contain(parsed.UtcDateTime))
        {
            error = $"X-Sample-Time: {AcceptedTimes.Reason}";
            return false;
        }
        sampleTimeUtc = parsed.UtcDateTime;
        return true;
    }
}
