using System.Text.RegularExpressions;
using Dashboard.Server.Demo;

namespace Dashboard.Server.Tests.Demo;

/// <summary>The generated incident itself, before any server reads it.</summary>
public sealed partial class DemoIncidentTests
{
    private static readonly DemoIncident Incident = DemoIncident.Create();

    /// <summary>The ten kills in the incident's own /var/log/messages on hoge (issue 11's table).</summary>
    internal static readonly string[] IncidentKills =
    [
        "Aug 17 12:31:33 hoge kernel: Out of memory: Kill process 1187 (java) score 89 or sacrifice child",
        "Aug 17 12:31:55 hoge kernel: Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child",
        "Aug 17 12:32:05 hoge kernel: Out of memory: Kill process 29707 (httpd) score 25 or sacrifice child",
        "Aug 17 12:32:16 hoge kernel: Out of memory: Kill process 12924 (httpd) score 24 or sacrifice child",
        "Aug 17 12:32:28 hoge kernel: Out of memory: Kill process 18440 (httpd) score 24 or sacrifice child",
        "Aug 17 12:32:42 hoge kernel: Out of memory: Kill process 12922 (httpd) score 23 or sacrifice child",
        "Aug 17 12:32:54 hoge kernel: Out of memory: Kill process 29706 (httpd) score 23 or sacrifice child",
        "Aug 17 12:33:12 hoge kernel: Out of memory: Kill process 12920 (httpd) score 22 or sacrifice child",
        "Aug 17 12:33:21 hoge kernel: Out of memory: Kill process 12926 (httpd) score 22 or sacrifice child",
        "Aug 17 12:33:41 hoge kernel: Out of memory: Kill process 29705 (httpd) score 22 or sacrifice child",
    ];

    [Fact]
    public void The_attacker_sends_452_requests_between_12_10_and_12_20_and_a_few_around_them()
    {
        var attack = Incident.Access.Where(l => l.Text.StartsWith(DemoIncident.Attacker + " ", StringComparison.Ordinal)).ToList();

        Assert.Equal(452, attack.Count(l => l.Time >= DemoIncident.AttackFrom && l.Time < DemoIncident.AttackTo));
        Assert.InRange(attack.Count, 452, 452 + 30);
        Assert.All(attack, l => Assert.Contains("\"HEAD / HTTP/1.1\" 206 ", l.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_are_as_the_host_writes_them_in_its_own_zone()
    {
        Assert.All(Incident.Access, l => Assert.Matches(AccessLine(), l.Text));
        Assert.All(Incident.Syslog, l => Assert.Matches(@"^Aug 17 1[123]:\d\d:\d\d hoge [^ :\[]+(\[\d+\])?: ", l.Text));
        Assert.Equal(720, Incident.Memory.Count);
        Assert.StartsWith("""{"time":"2015-08-17T11:00:00+09:00","memTotalKb":3923752,""", Incident.Memory[0].ToJson(), StringComparison.Ordinal);
        // A 2.6.32 kernel's /proc/meminfo: no MemAvailable, but the Buffers that the dashboard's estimate adds.
        Assert.All(Incident.Memory, s => Assert.DoesNotContain("memAvailableKb", s.ToJson(), StringComparison.Ordinal));
        Assert.All(Incident.Memory, s => Assert.Contains("\"buffersKb\":", s.ToJson(), StringComparison.Ordinal));
        Assert.True(Incident.Access.Select(l => l.Text.Split(' ')[0]).Distinct().Count() >= 40, "several dozen clients");
        Assert.Contains(Incident.Access, l => l.Text.StartsWith("2400:", StringComparison.Ordinal));
        Assert.Contains(Incident.Access, l => l.Text.Contains("\" 404 ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kernel_log_holds_the_incident_s_ten_kill_lines_verbatim_each_followed_by_the_process_killed()
    {
        var lines = Incident.Syslog.Select(l => l.Text).ToList();

        Assert.Equal(IncidentKills, lines.Where(l => l.Contains("kernel: Out of memory: Kill process ", StringComparison.Ordinal)));
        foreach (var kill in IncidentKills)
        {
            var (pid, name) = (KillLine().Match(kill).Groups[1].Value, KillLine().Match(kill).Groups[2].Value);
            var uid = name == "java" ? 91 : 48;
            Assert.StartsWith($"{kill[..15]} hoge kernel: Killed process {pid}, UID {uid}, ({name}) total-vm:", lines[lines.IndexOf(kill) + 1], StringComparison.Ordinal);
        }
        Assert.Equal(DemoIncident.FirstKill, Incident.Syslog.First(l => l.Text == IncidentKills[0]).Time);
        Assert.Equal(DemoIncident.LastKill, Incident.Syslog.First(l => l.Text == IncidentKills[^1]).Time);
        Assert.Equal(10, DemoIncident.OomKills);
        // RHEL 6's report before three of them; printk's rate limit kept it from the others.
        Assert.Equal(3, lines.Count(l => l.EndsWith("kernel: httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_process_id_of_the_log_names_one_process_and_each_report_lists_the_victims_still_alive()
    {
        var named = Incident.Syslog.SelectMany(l => PidNames(l.Text)).GroupBy(p => p.Pid).Where(g => g.Select(p => p.Name).Distinct().Count() > 1);
        var reports = Incident.Syslog.Select((l, i) => (l.Text, i)).Where(l => l.Text.EndsWith(" invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0", StringComparison.Ordinal));

        Assert.Empty(named.Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Name).Distinct())}"));
        foreach (var (_, start) in reports)
        {
            var report = Incident.Syslog.Skip(start).TakeWhile(l => !l.Text.Contains(": Killed process ", StringComparison.Ordinal)).Select(l => l.Text).ToList();
            var listed = report.Select(l => TaskRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            var reporter = PidName().Match(report[2]).Groups["pid"].Value;
            var alive = IncidentKills.Where(k => string.CompareOrdinal(k[..15], report[^1][..15]) >= 0).Select(k => KillLine().Match(k).Groups[1].Value);
            Assert.Equal(listed.Distinct(), listed);
            Assert.Contains(reporter, listed);
            Assert.Equal(alive.Order(), listed.Intersect(IncidentKills.Select(k => KillLine().Match(k).Groups[1].Value)).Order());
        }
    }

    [Fact]
    public void The_same_lines_every_time()
    {
        var again = DemoIncident.Create();

        Assert.Equal(Incident.Access, again.Access);
        Assert.Equal(Incident.Syslog, again.Syslog);
        Assert.Equal(Incident.Memory, again.Memory);
    }

    [Fact]
    public void A_shift_moves_every_time_and_keeps_the_story_s_shape()
    {
        var shift = new DateTimeOffset(2026, 11, 25, 19, 7, 0, TimeSpan.Zero) - DemoBatches.LiveAnchor;

        var shifted = DemoIncident.Create(shift);

        Assert.Equal(Incident.Access.Select(l => l.Time + shift), shifted.Access.Select(l => l.Time));
        Assert.Equal(Incident.Syslog.Select(l => l.Time + shift), shifted.Syslog.Select(l => l.Time));
        Assert.Equal(Incident.Memory.Select(s => s with { Time = s.Time + shift }), shifted.Memory);
        Assert.Equal(Incident.Access.Select(l => Untimed(l.Text)), shifted.Access.Select(l => Untimed(l.Text)));
        Assert.Equal(Incident.Syslog.Select(l => Untimed(l.Text)), shifted.Syslog.Select(l => Untimed(l.Text)));
        Assert.Equal(452, shifted.Access.Count(l => l.Text.StartsWith(DemoIncident.Attacker + " ", StringComparison.Ordinal)
            && l.Time >= DemoIncident.AttackFrom + shift && l.Time < DemoIncident.AttackTo + shift));
        // Written at Tokyo's offset, as the host would write the new time.
        Assert.Contains("[26/Nov/2026:04:07:", shifted.Access.First(l => l.Time >= DemoBatches.LiveAnchor + shift).Text, StringComparison.Ordinal);
        Assert.StartsWith("Nov 26 04:0", shifted.Syslog.First(l => l.Time >= DemoBatches.LiveAnchor + shift).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_replay_starts_a_minute_or_two_from_now_on_a_minute_boundary()
    {
        var now = new DateTimeOffset(2026, 11, 25, 10, 14, 37, TimeSpan.Zero);

        var shift = DemoIncident.ShiftToFollow(now, DemoBatches.LiveAnchor);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 16, 0, TimeSpan.Zero), DemoBatches.LiveAnchor + shift);
        Assert.Equal(0, shift.Ticks % TimeSpan.TicksPerMinute);
    }

    [Fact]
    public void A_live_replay_sends_history_at_once_then_each_line_once_its_time_has_passed()
    {
        var now = new DateTimeOffset(2026, 11, 25, 10, 14, 37, TimeSpan.Zero);
        var shifted = DemoIncident.Create(DemoIncident.ShiftToFollow(now, DemoBatches.LiveAnchor));

        var batches = DemoBatches.Live(shifted, TimeSpan.FromSeconds(2));

        var historyFrom = DemoBatches.LiveHistoryFrom + shifted.Shift;
        var liveFrom = DemoBatches.LiveFrom + shifted.Shift;
        Assert.True(liveFrom <= now, "the history is already past");
        Assert.Equal(shifted.Access.Where(l => l.Time >= historyFrom).Select(l => l.Text), batches.Where(b => b.Stream == DemoStream.Access).SelectMany(b => b.Lines));
        Assert.Equal(shifted.Syslog.Where(l => l.Time >= historyFrom).Select(l => l.Text), batches.Where(b => b.Stream == DemoStream.Syslog).SelectMany(b => b.Lines));
        Assert.Equal(shifted.Memory.Count(s => s.Time >= historyFrom), batches.Where(b => b.Stream == DemoStream.Memory).Sum(b => b.Lines.Count));
        var sentAt = batches.Where(b => b.Stream == DemoStream.Access).SelectMany(b => b.Lines.Select(_ => b.Due));
        foreach (var (line, due) in shifted.Access.Where(l => l.Time >= historyFrom).Zip(sentAt))
        {
            Assert.True(due > line.Time, "never sent before its time");
            Assert.True(line.Time < liveFrom ? due == liveFrom : due - line.Time <= TimeSpan.FromSeconds(2), "sent as soon as its time has passed");
        }
        Assert.Equal(batches.Count, batches.Select(b => b.Key).Distinct().Count());
        Assert.All(batches, b => Assert.Contains($"-shift{(long)shifted.Shift.TotalSeconds}-", b.Key, StringComparison.Ordinal));
    }

    // Everything but the time: the access line's [..] and the syslog line's first 15 characters.
    private static string Untimed(string line) => line.StartsWith("Aug ", StringComparison.Ordinal) || line.StartsWith("Nov ", StringComparison.Ordinal)
        ? line[15..]
        : TimeField().Replace(line, "[]", 1);

    [GeneratedRegex(@"\[[^\]]+\]")]
    private static partial Regex TimeField();

    // "Kill process 12921 (httpd) score …"
    [GeneratedRegex(@"Kill process (\d+) \((\S+)\)")]
    private static partial Regex KillLine();

    // A row of the kernel's task table: "[12921]    48 12921   253719    29368   1       0             0 httpd".
    [GeneratedRegex(@"kernel: \[\s*(\d+)\]\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+-?\d+\s+-?\d+ (\S+)$")]
    private static partial Regex TaskRow();

    // Where a line names a process by its id: a syslog tag (sshd[15210]), a task table row, a kill, the process that invoked the OOM killer.
    [GeneratedRegex(@" hoge (?<name>[^ \[:]+)\[(?<pid>\d+)\]: | kernel: \[\s*(?<pid>\d+)\]\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+-?\d+\s+-?\d+ (?<name>\S+)$|Kill(?:ed)? process (?<pid>\d+),? (?:UID \d+, )?\((?<name>[^)]+)\)|Pid: (?<pid>\d+), comm: (?<name>\S+)")]
    private static partial Regex PidName();

    private static IEnumerable<(string Pid, string Name)> PidNames(string line) =>
        PidName().Matches(line).Select(m => (m.Groups["pid"].Value, m.Groups["name"].Value));

    [GeneratedRegex("""^[0-9a-f.:]+ - - \[17/Aug/2015:1[123]:\d\d:\d\d \+0900\] "(GET|HEAD) /\S* HTTP/1\.[01]" \d{3} (\d+|-) "[^"]*" "([^"\\]|\\.)*"$""")]
    private static partial Regex AccessLine();
}
