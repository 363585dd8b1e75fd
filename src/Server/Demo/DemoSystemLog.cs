using System.Globalization;

namespace Dashboard.Server.Demo;

/// <summary>
/// hoge's /var/log/messages as rsyslog 5 on CentOS 6 writes it (RFC 3164): cron jobs, sshd (password
/// guessers and the admin who logs in after the kills), a hung-task warning while the host thrashes, and
/// the incident's ten OOM kills (<see cref="DemoOomKills"/>). Story times (JST).
/// </summary>
internal static class DemoSystemLog
{
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
                entries.Add(new(time, "kernel", null, "      Not tainted " + DemoOomKills.Kernel));
                entries.Add(new(time, "kernel", null, "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."));
                entries.Add(new(time, "kernel", null, "java          D 0000000000000001     0  2861      1 0x00000080"));
            }
            foreach (var kill in DemoOomKills.Kills.Where(k => k.Time == time))
            {
                entries.AddRange(DemoOomKills.Lines(kill, pids.Children));
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

    /// <summary>
    /// The host's next process id (it wrapped at 32768 since boot): cron jobs and logins take a few, Apache forks a
    /// child per attack connection it cannot serve, and three in one go when the counter has come to the first of
    /// <see cref="DemoOomKills.ForkedTogether"/> (processes nobody logged took the ids between).
    /// </summary>
    private sealed class PidCounter
    {
        private static readonly DateTimeOffset ForkFrom = DemoIncident.At(12, 8, 0);
        private static readonly DateTimeOffset ForkTo = DemoIncident.At(12, 21, 0);
        private static readonly DateTimeOffset ForkedTogetherAt = DemoIncident.At(12, 14, 40);
        private const int ChildrenPerMinute = 12;

        private readonly List<int> _children = [];
        private int _next = 29214;
        private int _forked;

        /// <summary>The children Apache forked for the attack, in order.</summary>
        public IReadOnlyList<int> Children => _children;

        public int Next(int taken)
        {
            var pid = _next;
            _next += taken;
            return pid;
        }

        public void AdvanceTo(DateTimeOffset time)
        {
            if (time == ForkedTogetherAt)
            {
                var first = DemoOomKills.ForkedTogether[0];
                if (_next > first)
                {
                    throw new InvalidOperationException($"the pid counter is at {_next}, past {first}");
                }
                _next = first;
                for (var i = 0; i < DemoOomKills.ForkedTogether.Length; i++)
                {
                    _children.Add(_next++);
                }
            }
            var forked = time < ForkFrom ? 0 : (int)(Math.Min((time - ForkFrom).TotalSeconds, (ForkTo - ForkFrom).TotalSeconds) * ChildrenPerMinute / 60);
            for (; _forked < forked; _forked++)
            {
                _children.Add(_next++);
            }
        }
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
