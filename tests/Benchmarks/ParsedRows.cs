using System.Net;
using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Benchmarks;

/// <summary>An access-log row as the raw-COPY baseline writes it: parsed before the clock starts.</summary>
internal sealed record ParsedRow(
    DateTime Time, IPAddress Ip, string? RemoteUser, string? Method, string? Path, string? Protocol,
    short Status, long Bytes, string? Referer, string? UserAgent);

internal static class ParsedRows
{
    public static IEnumerable<ParsedRow> From(IEnumerable<string> lines)
    {
        LogFormat.TryCompile("combined", out var format, out _);
        var parser = format!.CreateParser(TimeZoneInfo.Utc);
        var addresses = new Dictionary<string, IPAddress>();
        foreach (var line in lines)
        {
            if (!parser.TryParse(line, out var entry, out var error))
            {
                throw new InvalidOperationException(error);
            }
            var ip = entry.ClientIp.ToString();
            if (!addresses.TryGetValue(ip, out var address))
            {
                addresses[ip] = address = IPAddress.Parse(ip);
            }
            yield return new ParsedRow(entry.TimeUtc, address, Text(entry.RemoteUser), Text(entry.Method), Text(entry.Path), Text(entry.Protocol),
                (short)entry.Status, entry.Bytes, Text(entry.Referer), Text(entry.UserAgent));
        }
    }

    private static string? Text(ReadOnlySpan<char> value) => value.IsEmpty ? null : string.Intern(value.ToString());
}
