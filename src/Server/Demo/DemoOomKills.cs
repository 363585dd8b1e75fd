using System.Globalization;

namespace Dashboard.Server.Demo;

/// <summary>
/// The incident's ten OOM kills as hoge's 2.6.32 kernel logged them: each "Out of memory: Kill process …" line
/// verbatim from its /var/log/messages, followed by RHEL 6's "Killed process N, UID U, (name) total-vm:…" line;
/// three of them after the full report (the rest were rate-limited): who invoked the OOM killer, the call trace,
/// Mem-Info and the task table. Story times (JST).
/// </summary>
internal static class DemoOomKills
{
    internal const string Kernel = "2.6.32-504.30.3.el6.x86_64 #1";
    internal const long TotalSwapKb = 2097148;

    /// <summary>Started at boot: Tomcat's java, and Apache's parent, which forks the children that serve.</summary>
    internal const int TomcatPid = 1187;
    private const int HttpdParentPid = 1205;

    /// <param name="Report">Whether the full report came before it.</param>
    internal sealed record Kill(DateTimeOffset Time, int Pid, string Process, int Score, int Uid, long TotalVmKb, long AnonRssKb, long FileRssKb, bool Report)
    {
        public string KillLine => string.Create(CultureInfo.InvariantCulture, $"Out of memory: Kill process {Pid} ({Process}) score {Score} or sacrifice child");

        public string KilledLine => string.Create(CultureInfo.InvariantCulture,
            $"Killed process {Pid}, UID {Uid}, ({Process}) total-vm:{TotalVmKb}kB, anon-rss:{AnonRssKb}kB, file-rss:{FileRssKb}kB");
    }

    // The score is the share of RAM + swap (3923752 + 2097148 kB) a process holds, in thousandths: its resident
    // pages (anon-rss + file-rss) and what it has in swap, which is full by now. Java (Tomcat's heap) first, then
    // the httpd children the Range requests bloated: some serving since the morning, three forked together in the attack.
    internal static readonly Kill[] Kills =
    [
        new(DemoIncident.At(12, 31, 33), TomcatPid, "java", 89, 91, 3461120, 409716, 1104, Report: true),
        new(DemoIncident.At(12, 31, 55), 12921, "httpd", 26, 48, 1014876, 117208, 264, Report: false),
        new(DemoIncident.At(12, 32, 5), 29707, "httpd", 25, 48, 1009364, 112740, 188, Report: false),
        new(DemoIncident.At(12, 32, 16), 12924, "httpd", 24, 48, 1001172, 108132, 212, Report: true),
        new(DemoIncident.At(12, 32, 28), 18440, "httpd", 24, 48, 998604, 107520, 176, Report: false),
        new(DemoIncident.At(12, 32, 42), 12922, "httpd", 23, 48, 992460, 103436, 244, Report: false),
        new(DemoIncident.At(12, 32, 54), 29706, "httpd", 23, 48, 990412, 102912, 120, Report: false),
        new(DemoIncident.At(12, 33, 12), 12920, "httpd", 22, 48, 984268, 98816, 120, Report: true),
        new(DemoIncident.At(12, 33, 21), 12926, "httpd", 22, 48, 982220, 98304, 196, Report: false),
        new(DemoIncident.At(12, 33, 41), 29705, "httpd", 22, 48, 980172, 97792, 232, Report: false),
    ];

    /// <summary>The three children Apache forked in one go during the attack (the pid counter jumps to the first).</summary>
    internal static readonly int[] ForkedTogether = [29705, 29706, 29707];

    private static readonly string[] CallTrace =
    [
        "[<ffffffff810d6d71>] ? cpuset_print_task_mems_allowed+0x91/0xb0",
        "[<ffffffff8112a570>] ? dump_header+0x90/0x1b0",
        "[<ffffffff8123320c>] ? security_real_capable_noaudit+0x3c/0x70",
        "[<ffffffff8112a9f2>] ? oom_kill_process+0x82/0x2a0",
        "[<ffffffff8112a931>] ? select_bad_process+0xe1/0x120",
        "[<ffffffff8112ae30>] ? out_of_memory+0x220/0x3c0",
        "[<ffffffff8113780c>] ? __alloc_pages_nodemask+0x93c/0x950",
        "[<ffffffff8117064a>] ? alloc_pages_current+0xaa/0x110",
        "[<ffffffff81127967>] ? __page_cache_alloc+0x87/0x90",
        "[<ffffffff8112734e>] ? find_get_page+0x1e/0xa0",
        "[<ffffffff81128907>] ? filemap_fault+0x1a7/0x500",
        "[<ffffffff81151e84>] ? __do_fault+0x54/0x530",
        "[<ffffffff81152457>] ? handle_pte_fault+0xf7/0xb20",
        "[<ffffffff8115305d>] ? handle_mm_fault+0x1ed/0x2b0",
        "[<ffffffff8104f156>] ? __do_page_fault+0x146/0x500",
        "[<ffffffff81540ebe>] ? do_page_fault+0x3e/0xa0",
        "[<ffffffff8153e275>] ? page_fault+0x25/0x30",
    ];

    // Processes in every task table: (pid, uid, total_vm pages, rss pages, oom_adj, oom_score_adj, name).
    private static readonly (int Pid, int Uid, long TotalVm, long Rss, int OomAdj, int ScoreAdj, string Name)[] Daemons =
    [
        (412, 0, 2725, 38, -17, -1000, "udevd"),
        (1013, 0, 62271, 211, 0, 0, "rsyslogd"),
        (1098, 0, 16561, 102, -17, -1000, "sshd"),
        (HttpdParentPid, 0, 45110, 312, 0, 0, "httpd"),
        (1224, 0, 29219, 87, 0, 0, "crond"),
    ];

    /// <summary>The lines of the kill of <paramref name="kill"/>, with its report; <paramref name="children"/> are the attack's, in fork order.</summary>
    public static IEnumerable<DemoSyslogEntry> Lines(Kill kill, IReadOnlyList<int> children)
    {
        var time = kill.Time;
        DemoSyslogEntry Line(string message) => new(time, "kernel", null, message);
        if (kill.Report)
        {
            var number = Array.IndexOf(Kills, kill);
            // The child whose page fault found no memory: one forked late in the attack, not a victim.
            var reporter = children[^(1 + number)];
            yield return Line("httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0");
            yield return Line("httpd cpuset=/ mems_allowed=0");
            yield return Line(string.Create(CultureInfo.InvariantCulture, $"Pid: {reporter}, comm: httpd Not tainted {Kernel}"));
            yield return Line("Call Trace:");
            foreach (var frame in CallTrace)
            {
                yield return Line(frame);
            }
            foreach (var line in MemInfo(number))
            {
                yield return Line(line);
            }
            foreach (var line in TaskTable(kill, children))
            {
                yield return Line(line);
            }
        }
        yield return Line(kill.KillLine);
        yield return Line(kill.KilledLine);
    }

    private static IEnumerable<string> MemInfo(int number)
    {
        var free = 13372 + number * 41;
        return
        [
            "Mem-Info:",
            "Node 0 DMA per-cpu:",
            "CPU    0: hi:    0, btch:   1 usd:   0",
            "CPU    1: hi:    0, btch:   1 usd:   0",
            "Node 0 DMA32 per-cpu:",
            "CPU    0: hi:  186, btch:  31 usd:  30",
            "CPU    1: hi:  186, btch:  31 usd:  46",
            "Node 0 Normal per-cpu:",
            "CPU    0: hi:  186, btch:  31 usd:  52",
            "CPU    1: hi:  186, btch:  31 usd: 161",
            string.Create(CultureInfo.InvariantCulture, $"active_anon:{781624 - number * 9120} inactive_anon:{156318 - number * 2210} isolated_anon:0"),
            "active_file:203 inactive_file:412 isolated_file:0",
            "unevictable:0 dirty:0 writeback:12 unstable:0",
            string.Create(CultureInfo.InvariantCulture, $"free:{free} slab_reclaimable:3981 slab_unreclaimable:9620"),
            "mapped:298 shmem:87 pagetables:7614 bounce:0",
            "Node 0 DMA free:15732kB min:248kB low:308kB high:372kB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB isolated(anon):0kB isolated(file):0kB present:15340kB mlocked:0kB dirty:0kB writeback:0kB mapped:0kB shmem:0kB slab_reclaimable:0kB slab_unreclaimable:0kB kernel_stack:0kB pagetables:0kB unstable:0kB bounce:0kB writeback_tmp:0kB pages_scanned:0 all_unreclaimable? yes",
            "lowmem_reserve[]: 0 3000 3785 3785",
            "1102 total pagecache pages",
            string.Create(CultureInfo.InvariantCulture, $"{452 + number * 17} pages in swap cache"),
            string.Create(CultureInfo.InvariantCulture, $"Swap cache stats: add {1183520 + number * 3977}, delete {1183068 + number * 3960}, find 98213/131007"),
            "Free swap  = 0kB",
            string.Create(CultureInfo.InvariantCulture, $"Total swap = {TotalSwapKb}kB"),
            "1048575 pages RAM",
            "67637 pages reserved",
            "2198 pages shared",
            "958126 pages non-shared",
        ];
    }

    /// <summary>Every process still alive when <paramref name="kill"/> comes, by pid: the daemons, the victims to come, and other children.</summary>
    private static IEnumerable<string> TaskTable(Kill kill, IReadOnlyList<int> children)
    {
        List<(int Pid, int Uid, long TotalVm, long Rss, int OomAdj, int ScoreAdj, string Name)> tasks = [.. Daemons];
        foreach (var victim in Kills.Where(k => k.Time >= kill.Time))
        {
            tasks.Add((victim.Pid, victim.Uid, victim.TotalVmKb / 4, (victim.AnonRssKb + victim.FileRssKb) / 4, 0, 0, victim.Process));
        }
        // The children forked last (those that invoke the OOM killer among them) and a few more: smaller than any victim.
        var victims = Kills.Select(k => k.Pid).ToHashSet();
        var others = children.TakeLast(8).Concat(children.Take(3)).Where(pid => !victims.Contains(pid)).Distinct();
        foreach (var (pid, i) in others.Select((pid, i) => (pid, i)))
        {
            tasks.Add((pid, 48, (968640L - i * 12288) / 4, (95232L - i * 6144) / 4, 0, 0, "httpd"));
        }
        yield return "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name";
        foreach (var (pid, uid, totalVm, rss, oomAdj, scoreAdj, name) in tasks.OrderBy(t => t.Pid))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"[{pid,5}] {uid,5} {pid,5} {totalVm,8} {rss,8} {pid % 2,3}     {oomAdj,3}         {scoreAdj,5} {name}");
        }
    }
}
