using System.Globalization;

namespace Dashboard.Tests.Infrastructure;

/// <summary>Access-log lines as Apache's combined format writes them.</summary>
public static class ApacheLines
{
    public static string Combined(
        string ip, DateTimeOffset time, string method = "GET", string path = "/", int status = 200, long bytes = 512,
        string referer = "-", string userAgent = "Mozilla/5.0 (X11; Linux x86_64)") =>
        $"{ip} - - [{Time(time)}] \"{method} {path} HTTP/1.1\" {status} {bytes} \"{referer}\" \"{userAgent}\"";

    /// <summary>Apache's %t: [17/Aug/2015:12:31:33 +0900].</summary>
    public static string Time(DateTimeOffset time)
    {
        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return string.Create(CultureInfo.InvariantCulture,
            $"{time:dd/MMM/yyyy:HH:mm:ss} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}");
    }
}
