using System.Globalization;
using Dashboard.Server.Ingest.Syslog;

namespace Dashboard.Server.Tests.Ingest.Syslog;

internal static class SyslogTestData
{
    public static SyslogDefaults Defaults(string received, string zone = "Asia/Tokyo", int? year = null) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(zone), year, DateTimeOffset.Parse(received, CultureInfo.InvariantCulture));

    public static DateTime Utc(string time) =>
        DateTimeOffset.Parse(time, CultureInfo.InvariantCulture).UtcDateTime;

    /// <summary>Parses a line that must parse; the product's demo host is in Tokyo.</summary>
    public static SyslogMessage Parse(string line, SyslogDefaults defaults)
    {
        Assert.True(SyslogLineParser.TryParse(line, defaults, out var message, out var error), error);
        return message;
    }

    /// <summary>A kernel message as a shipper without a syslog header would deliver it (dmesg, journald).</summary>
    public static SyslogMessage Kernel(string text, string time = "2015-08-17T03:31:33Z") =>
        new(Utc(time), "hoge", "kernel", null, 0, 4, text);
}
