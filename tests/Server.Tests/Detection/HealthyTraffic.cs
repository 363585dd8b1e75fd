namespace Dashboard.Server.Tests.Detection;

/// <summary>
/// Access-log lines of a busy, healthy site: the visitors a detector must not mistake for an attack.
/// Each generator is driven by a seed, so a failure names the traffic that caused it.
/// </summary>
public static class HealthyTraffic
{
    private const string Browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

    public sealed record Line(DateTimeOffset Time, string Text);

    private static Line Combined(string ip, DateTimeOffset time, string method, string path, int status, long bytes, string userAgent) =>
        new(time, ApacheLines.Combined(ip, time, method, path, status, bytes, userAgent: userAgent));

    /// <summary>A search engine crawler, 1 to 2 GETs a second over many pages, all day.</summary>
    public static IEnumerable<Line> Crawler(Random random, DateTimeOffset from, TimeSpan length)
    {
        for (var time = from; time < from + length; time = time.AddMilliseconds(500 + random.Next(500)))
        {
            yield return Combined("66.249.66.1", time, "GET", $"/articles/{random.Next(200_000)}", random.Next(50) == 0 ? 404 : 200, 4_000 + random.Next(60_000),
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        }
    }

    /// <summary>An office behind one NAT address, browsing at about a request a second in working hours.</summary>
    public static IEnumerable<Line> Office(Random random, DateTimeOffset from, TimeSpan length)
    {
        for (var time = from; time < from + length; time = time.AddMilliseconds(200 + random.Next(1_600)))
        {
            var asset = random.Next(3) > 0;
            yield return Combined("198.51.100.200", time, "GET", asset ? $"/static/app.{random.Next(40)}.js" : $"/orders/{random.Next(5_000)}",
                asset && random.Next(2) == 0 ? 304 : 200, asset ? 0 : 12_000 + random.Next(40_000), Browser);
        }
    }

    /// <summary>An uptime monitor: HEAD / every 10 s, with its user agent.</summary>
    public static IEnumerable<Line> UptimeMonitor(DateTimeOffset from, TimeSpan length)
    {
        for (var time = from; time < from + length; time = time.AddSeconds(10))
        {
            yield return Combined("216.144.250.150", time, "HEAD", "/", 200, 0, "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)");
        }
    }

    /// <summary>One visitor opening a media-heavy page: 120 requests in 20 s, video ranges answered 206 with a browser's agent.</summary>
    public static IEnumerable<Line> MediaPage(Random random, DateTimeOffset at)
    {
        for (var i = 0; i < 120; i++)
        {
            var time = at.AddMilliseconds(random.Next(20_000));
            yield return i % 3 == 0
                ? Combined("203.0.113.77", time, "GET", "/videos/launch.mp4", 206, 1_048_576, Browser)
                : Combined("203.0.113.77", time, "GET", $"/images/gallery/{i}.jpg", 200, 40_000 + random.Next(200_000), Browser);
        }
    }

    /// <summary>A download manager fetching a large file in parallel ranges: 206s with its user agent, 200 in two minutes.</summary>
    public static IEnumerable<Line> DownloadManager(Random random, DateTimeOffset at)
    {
        for (var i = 0; i < 200; i++)
        {
            yield return Combined("192.0.2.150", at.AddMilliseconds(random.Next(120_000)), "GET", "/downloads/dataset.tar.gz", 206, 4_194_304, "aria2/1.36.0");
        }
    }

    /// <summary>A mobile app polling its API every 2 s, steadily.</summary>
    public static IEnumerable<Line> PollingApp(DateTimeOffset from, TimeSpan length)
    {
        for (var time = from; time < from + length; time = time.AddSeconds(2))
        {
            yield return Combined("100.64.12.34", time, "GET", "/api/v2/notifications", 200, 420, "ShopApp/5.2 (iPhone; iOS 17.1)");
        }
    }

    /// <summary>Everyone else: a few hundred addresses, a handful of requests each.</summary>
    public static IEnumerable<Line> Visitors(Random random, DateTimeOffset from, TimeSpan length)
    {
        var visits = (int)(length.TotalMinutes * 3);
        for (var v = 0; v < visits; v++)
        {
            var ip = $"10.{random.Next(4)}.{random.Next(256)}.{random.Next(1, 255)}";
            var start = from.AddSeconds(random.Next((int)length.TotalSeconds - 120));
            for (var r = 0; r < 3 + random.Next(12); r++)
            {
                yield return Combined(ip, start.AddSeconds(r * 4 + random.Next(4)), "GET", r == 0 ? "/" : $"/static/{random.Next(30)}.css", 200, 2_000 + random.Next(20_000), Browser);
            }
        }
    }
}
