using System.Globalization;
using System.Text;

namespace Dashboard.Benchmarks;

/// <summary>
/// Deterministic combined-format traffic for a busy site, ~200-byte lines: visits from a Zipf-like
/// population of addresses (a page and its assets from one address within seconds, several visits
/// interleaved), and in each hour one attacker that sends a tenth of the traffic (HEAD answered 206,
/// as in CVE-2011-3192). <paramref name="requestsPerVisit"/> = 1 makes every line an independent
/// draw: the worst case for rollups, with nearly one new (minute, address) per line.
/// </summary>
internal sealed class AccessLogGenerator(int seed = 42, int visitors = 50_000, int attackers = 5, int requestsPerVisit = 15)
{
    private const int ConcurrentVisits = 64;

    private static readonly string[] Paths =
    [
        "/", "/index.html", "/products", "/products/42", "/products/1337?ref=home", "/cart", "/checkout", "/login",
        "/static/app.js", "/static/site.css", "/static/logo.png", "/api/v1/items?page=2", "/search?q=apache+range",
        "/blog/2015/08/apache-killer", "/favicon.ico", "/robots.txt", "/wp-login.php", "/.env",
    ];

    private static readonly string[] Assets =
    [
        "/static/app.js", "/static/vendor.js?v=3", "/static/site.css", "/static/logo.png", "/static/hero.jpg",
        "/static/fonts/inter.woff2", "/favicon.ico", "/api/v1/cart", "/api/v1/items?page=1",
    ];

    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/7.29.0",
    ];

    private static readonly string[] Referers = ["-", "https://www.google.com/", "https://example.com/products", "-", "-"];

    /// <summary><paramref name="count"/> lines spread evenly over [start, start + span), in time order.</summary>
    public IEnumerable<string> Lines(int count, DateTimeOffset start, TimeSpan span)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(256);
        var visitorOf = new int[ConcurrentVisits];
        var remaining = new int[ConcurrentVisits];
        for (var i = 0; i < count; i++)
        {
            var time = start + span * ((double)i / count);
            var hourOfSpan = (int)(time - start).TotalHours;
            builder.Clear();
            if (attackers > 0 && random.Next(10) == 0)
            {
                var attacker = hourOfSpan % attackers;
                builder.Append(CultureInfo.InvariantCulture, $"203.0.113.{10 + attacker} - - [");
                AppendTime(builder, time);
                builder.Append("] \"HEAD / HTTP/1.1\" 206 0 \"-\" \"-\"");
                yield return builder.ToString();
                continue;
            }
            var visit = random.Next(ConcurrentVisits);
            var firstOfVisit = remaining[visit] == 0;
            if (firstOfVisit)
            {
                visitorOf[visit] = Zipf(random, visitors);
                remaining[visit] = requestsPerVisit == 1 ? 1 : random.Next(1, 2 * requestsPerVisit);
            }
            remaining[visit]--;
            var visitor = visitorOf[visit];
            builder.Append(CultureInfo.InvariantCulture, $"{10 + visitor / 65536 % 200}.{visitor / 256 % 256}.{visitor % 256}.{1 + visitor % 250} - - [");
            AppendTime(builder, time);
            var status = random.Next(100) switch { < 85 => 200, < 92 => 304, < 97 => 404, < 99 => 302, _ => 500 };
            var path = firstOfVisit ? Paths[random.Next(Paths.Length)] : Assets[random.Next(Assets.Length)];
            builder.Append(CultureInfo.InvariantCulture,
                $"] \"GET {path} HTTP/1.1\" {status} {(status == 304 ? 0 : random.Next(200, 60_000))} \"{Referers[random.Next(Referers.Length)]}\" \"{Agents[visitor % Agents.Length]}\"");
            yield return builder.ToString();
        }
    }

    // Rank r is drawn with probability ~ 1/r: a few addresses send much of the traffic, most send a little.
    private static int Zipf(Random random, int population) =>
        Math.Min(population - 1, (int)Math.Exp(random.NextDouble() * Math.Log(population)) - 1);

    private static void AppendTime(StringBuilder builder, DateTimeOffset time) =>
        builder.Append(time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture))
            .Append(time.Offset < TimeSpan.Zero ? '-' : '+')
            .Append(Math.Abs(time.Offset.Hours).ToString("00", CultureInfo.InvariantCulture))
            .Append(Math.Abs(time.Offset.Minutes).ToString("00", CultureInfo.InvariantCulture));
}
