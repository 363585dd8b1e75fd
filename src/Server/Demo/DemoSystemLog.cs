using System.Globalization;

namespace Dashboard.Server.Demo;

/// <summary>
/// hoge's /var/log/messages as rsyslog on CentOS 6 writes it: cron jobs, sshd (password guessers and
/// the admin who logs in after the kills), a hung-task warning while the host thrashes, and the ten
/// OOM kills of the 2.6.32 kernel, some after the full "invoked oom-killer" report. Story times (JST).
/// </summary>
internal static class DemoSystemLog
{
    private const string Kernel = "2.6.32-504.30.3.el6.x86_64 #1";
    private const int TomcatPid = 2847;
    private const int HttpdParentPid = 2318;
    private const long TotalSwapKb = 2097148;

    private sealed record Kill(int Hour, int Minute, int Second, string Process, int Uid, long TotalVmKb, long AnonRssKb, long FileRssKb, int Score, bool Report);

    // The OOM killer takes the highest score first: java (Tomcat's heap), then the httpd children the
    // Range requests bloated, each a little smaller than the last.
    private static readonly Kill[] Kills =
    [
        new(12, 31, 33, "java", 91, 3461120, 742516, 1104, 187, Report: true),
        new(12, 31, 38, "httpd", 48, 1307852, 389772, 264, 71, Report: false),
        new(12, 31, 52, "httpd", 48, 1291468, 381020, 188, 69, Report: false),
        new(12, 32, 7, "httpd", 48, 1275084, 377384, 212, 68, Report: true),
        new(12, 32, 19, "httpd", 48, 1262796, 370152, 176, 66, Report: false),
        new(12, 32, 36, "httpd", 48, 1250508, 366096, 244, 65, Report: false),
        new(12, 32, 58, "httpd", 48, 1242316, 358444, 120, 63, Report: false),
        new(12, 33, 12, "httpd", 48, 1233196, 351208, 120, 62, Report: true),
        new(12, 33, 27, "httpd", 48, 1221908, 344572, 196, 60, Report: false),
        new(12, 33, 41, "httpd", 48, 1209620, 339860, 232, 59, Report: false),
    ];

    // Which of the children forked during the attack each httpd kill takes, and which child reports each OOM.
    private static readonly int[] Victims = [-1, 7, 22, 31, 45, 58, 66, 84, 97, 112];
    private static readonly int[] Reporters = [103, -1, -1, 129, -1, -1, -1, 138, -1, -1];
    private static readonly int[] Survivors = [3, 120, 141];

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

    public static List<DemoSyslogEntry> Generate()
    {
        var random = new Random(31533);
        var pids = new PidCounter();
        List<DemoSyslogEntry> entries = [];
        int? adminSession = null;
        var sshBursts = new (DateTimeOffset At, string Ip, string[] Users)[]
        {
            (DemoIncident.At(11, 14, 2), "221.229.172.38", ["oracle", "test", "admin", "postgres", "git", "ubuntu"]),
            (DemoIncident.At(12, 12, 40), "116.31.116.42", ["root", "root", "root", "root", "root"]),
            (DemoIncident.At(12, 47, 10), "61.177.172.55", ["root", "root", "root", "root"]),
        };

        // Walk the two hours a second at a time so that process ids grow as the host forks.
        for (var time = DemoIncident.Start; time < DemoIncident.End; time = time.AddSeconds(1))
        {
            pids.AdvanceTo(time);
            if (time.Second == 1)
            {
                AddCron(entries, pids, time);
            }
            foreach (var (at, ip, users) in sshBursts)
            {
                var attempt = (int)(time - at).TotalSeconds;
                if (attempt >= 0 && attempt % 4 == 0 && attempt / 4 < users.Length)
                {
                    AddFailedLogin(entries, pids.Next(2), time, ip, users[attempt / 4], random.Next(32768, 61000));
                }
            }
            if (time == DemoIncident.At(12, 28, 43))
            {
                entries.Add(new(time, "kernel", null, "INFO: task java:2861 blocked for more than 120 seconds."));
                entries.Add(new(time, "kernel", null, "      Not tainted " + Kernel));
                entries.Add(new(time, "kernel", null, "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."));
                entries.Add(new(time, "kernel", null, "java          D 0000000000000001     0  2861      1 0x00000080"));
            }
            foreach (var (kill, number) in Kills.Select((k, i) => (k, i)).Where(k => DemoIncident.At(k.k.Hour, k.k.Minute, k.k.Second) == time))
            {
                AddKill(entries, pids, time, kill, number);
            }
            AddAdminSession(entries, pids, time, ref adminSession);
        }
        return [.. entries.OrderBy(e => e.Time)];
    }

    private static void AddCron(List<DemoSyslogEntry> entries, PidCounter pids, DateTimeOffset time)
    {
        if (time.Minute == 1)
        {
            var pid = pids.Next(6);
            entries.Add(new(time, "CROND", pid, "(root) CMD (run-parts /etc/cron.hourly)"));
            entries.Add(new(time, "run-parts(/etc/cron.hourly)", pid + 1, "starting 0anacron"));
            entries.Add(new(time, "run-parts(/etc/cron.hourly)", pid + 5, "finished 0anacron"));
        }
        if (time.Minute % 10 == 0)
        {
            entries.Add(new(time, "CROND", pids.Next(3), "(root) CMD (/usr/lib64/sa/sa1 1 1)"));
        }
        if (time.Minute % 5 == 0)
        {
            entries.Add(new(time, "CROND", pids.Next(4), "(hoge) CMD (/home/hoge/bin/stock-sync.sh >/dev/null 2>&1)"));
        }
    }

    private static void AddFailedLogin(List<DemoSyslogEntry> entries, int pid, DateTimeOffset time, string ip, string user, int port)
    {
        var done = time.AddSeconds(2);
        if (user == "root")
        {
            entries.Add(new(done, "sshd", pid, $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root"));
            entries.Add(new(done, "sshd", pid, string.Create(CultureInfo.InvariantCulture, $"Failed password for root from {ip} port {port} ssh2")));
        }
        else
        {
            entries.Add(new(time, "sshd", pid, $"Invalid user {user} from {ip}"));
            entries.Add(new(time, "sshd", pid, $"input_userauth_request: invalid user {user}"));
            entries.Add(new(done, "sshd", pid, "pam_unix(sshd:auth): check pass; user unknown"));
            entries.Add(new(done, "sshd", pid, $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}"));
            entries.Add(new(done, "sshd", pid, string.Create(CultureInfo.InvariantCulture, $"Failed password for invalid user {user} from {ip} port {port} ssh2")));
        }
        entries.Add(new(done, "sshd", pid, $"Received disconnect from {ip}: 11: Bye Bye"));
    }

    private static void AddKill(List<DemoSyslogEntry> entries, PidCounter pids, DateTimeOffset time, Kill kill, int number)
    {
        // The victims are children Apache forked for the attack; the allocating child reports the OOM.
        var pid = kill.Process == "java" ? TomcatPid : pids.AttackChild(Victims[number]);
        if (kill.Report)
        {
            var reporter = pids.AttackChild(Reporters[number]);
            entries.Add(new(time, "kernel", null, "httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0"));
            entries.Add(new(time, "kernel", null, "httpd cpuset=/ mems_allowed=0"));
            entries.Add(new(time, "kernel", null, string.Create(CultureInfo.InvariantCulture, $"Pid: {reporter}, comm: httpd Not tainted {Kernel}")));
            entries.Add(new(time, "kernel", null, "Call Trace:"));
            entries.AddRange(CallTrace.Select(frame => new DemoSyslogEntry(time, "kernel", null, frame)));
            AddMemInfo(entries, time, number);
            if (number == 0)
            {
                AddTaskTable(entries, pids, time);
            }
        }
        var killLine = string.Create(CultureInfo.InvariantCulture, $"Out of memory: Kill process {pid} ({kill.Process}) score {kill.Score} or sacrifice child");
        var killedLine = string.Create(CultureInfo.InvariantCulture,
            $"Killed process {pid}, UID {kill.Uid}, ({kill.Process}) total-vm:{kill.TotalVmKb}kB, anon-rss:{kill.AnonRssKb}kB, file-rss:{kill.FileRssKb}kB");
        entries.Add(new(time, "kernel", null, killLine));
        entries.Add(new(time, "kernel", null, killedLine));
    }

    private static void AddMemInfo(List<DemoSyslogEntry> entries, DateTimeOffset time, int number)
    {
        var free = 13372 + number * 41;
        string[] lines =
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
        entries.AddRange(lines.Select(line => new DemoSyslogEntry(time, "kernel", null, line)));
    }

    private static void AddTaskTable(List<DemoSyslogEntry> entries, PidCounter pids, DateTimeOffset time)
    {
        List<(int Pid, int Uid, long TotalVm, long Rss, int OomAdj, int ScoreAdj, string Name)> tasks =
        [
            (412, 0, 2725, 38, -17, -1000, "udevd"),
            (1187, 0, 62271, 211, 0, 0, "rsyslogd"),
            (1342, 0, 16561, 102, -17, -1000, "sshd"),
            (1431, 0, 29219, 87, 0, 0, "crond"),
            (HttpdParentPid, 0, 45110, 312, 0, 0, "httpd"),
            (TomcatPid, 91, 3461120 / 4, (742516 + 1104) / 4, 0, 0, "java"),
        ];
        // The children the attack bloated: the nine to be killed, and a few more.
        for (var number = 1; number < Kills.Length; number++)
        {
            tasks.Add((pids.AttackChild(Victims[number]), 48, Kills[number].TotalVmKb / 4, (Kills[number].AnonRssKb + Kills[number].FileRssKb) / 4, 0, 0, "httpd"));
        }
        foreach (var (index, i) in Survivors.Select((index, i) => (index, i)))
        {
            tasks.Add((pids.AttackChild(index), 48, (1187340L - i * 40960) / 4, (312412L - i * 18000) / 4, 0, 0, "httpd"));
        }
        tasks.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        entries.Add(new(time, "kernel", null, "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name"));
        foreach (var (pid, uid, totalVm, rss, oomAdj, scoreAdj, name) in tasks)
        {
            entries.Add(new(time, "kernel", null, string.Create(CultureInfo.InvariantCulture,
                $"[{pid,5}] {uid,5} {pid,5} {totalVm,8} {rss,8} {pid % 2,3}     {oomAdj,3}         {scoreAdj,5} {name}")));
        }
    }

    private static void AddAdminSession(List<DemoSyslogEntry> entries, PidCounter pids, DateTimeOffset time, ref int? session)
    {
        if (time == DemoIncident.At(12, 36, 40))
        {
            var pid = pids.Next(3);
            entries.Add(new(time, "sshd", pid, "Accepted publickey for admin from 210.138.88.213 port 50514 ssh2"));
            entries.Add(new(time, "sshd", pid, "pam_unix(sshd:session): session opened for user admin by (uid=0)"));
            session = pid;
        }
        else if (time == DemoIncident.At(12, 37, 5))
        {
            entries.Add(new(time, "su", null, "pam_unix(su-l:session): session opened for user root by admin(uid=500)"));
        }
        else if (time == DemoIncident.At(12, 49, 52))
        {
            entries.Add(new(time, "su", null, "pam_unix(su-l:session): session closed for user root"));
        }
        else if (time == DemoIncident.At(12, 49, 55))
        {
            entries.Add(new(time, "sshd", session, "Received disconnect from 210.138.88.213: 11: disconnected by user"));
            entries.Add(new(time, "sshd", session, "pam_unix(sshd:session): session closed for user admin"));
        }
    }

    /// <summary>The host's next process id: cron jobs and logins take a few, Apache forks a child per attack connection it cannot serve.</summary>
    private sealed class PidCounter
    {
        private static readonly DateTimeOffset ForkFrom = DemoIncident.At(12, 8, 0);
        private static readonly DateTimeOffset ForkTo = DemoIncident.At(12, 21, 0);
        private const int ChildrenPerMinute = 12;

        private int _next = 12481;
        private int _firstChild;
        private int _forked;

        public int Next(int taken)
        {
            var pid = _next;
            _next += taken;
            return pid;
        }

        public void AdvanceTo(DateTimeOffset time)
        {
            if (time == ForkFrom)
            {
                _firstChild = _next;
            }
            var forked = time < ForkFrom ? 0 : (int)(Math.Min((time - ForkFrom).TotalSeconds, (ForkTo - ForkFrom).TotalSeconds) * ChildrenPerMinute / 60);
            _next += forked - _forked;
            _forked = forked;
        }

        /// <summary>A child forked during the attack (its ids are interleaved with cron's, close enough).</summary>
        public int AttackChild(int index) => _firstChild + index;
    }
}

/// <summary>One /var/log/messages line: its program (TAG), pid and message.</summary>
internal sealed record DemoSyslogEntry(DateTimeOffset Time, string Program, int? Pid, string Message)
{
    /// <summary>"Aug 17 12:31:33 hoge kernel: …", at <paramref name="localTime"/> (this entry's time, shifted, in the host's zone).</summary>
    public string Format(DateTimeOffset localTime)
    {
        var tag = Pid is { } pid ? string.Create(CultureInfo.InvariantCulture, $"{Program}[{pid}]") : Program;
        return string.Create(CultureInfo.InvariantCulture, $"{localTime:MMM} {localTime.Day,2} {localTime:HH:mm:ss} {DemoIncident.HostName} {tag}: {Message}");
    }
}
