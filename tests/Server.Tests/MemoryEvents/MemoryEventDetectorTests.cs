using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;
using Dashboard.Shared;
using static Dashboard.Server.Tests.Ingest.Syslog.SyslogTestData;

namespace Dashboard.Server.Tests.MemoryEvents;

// Kernel lines are verbatim from public bug reports (source beside each). Lines with a syslog header
// go through SyslogLineParser as they would in production; dmesg-style lines are kernel messages as
// journald or a shipper without a header would deliver them.
public class MemoryEventDetectorTests
{
    private static IReadOnlyList<HostEvent> Detect(IEnumerable<SyslogMessage> messages)
    {
        var detector = new MemoryEventDetector();
        foreach (var message in messages)
        {
            detector.Add(message);
        }
        return detector.Finish();
    }

    private static IReadOnlyList<HostEvent> DetectLines(string received, params string[] lines)
    {
        var defaults = Defaults(received, "UTC");
        return Detect(lines.Select(line => Parse(line, defaults)));
    }

    private static IReadOnlyList<HostEvent> DetectKernel(params string[] texts) => Detect(texts.Select(text => Kernel(text)));

    public static TheoryData<string, string[], int, string, int?, long?, long?> TwoLineKills => new()
    {
        {
            // LukeShirnia/out-of-memory tests: CentOS 6 (2.6.32), "Killed process N, UID U, (x)", uptime prefix
            "2016-04-13T00:00:00Z",
            [
                "Apr 12 10:23:59 cloud-web1 kernel: [668192.383737] Out of memory: Kill process 62185 (httpd) score 5 or sacrifice child",
                "Apr 12 10:23:59 cloud-web1 kernel: [668192.383946] Killed process 62185, UID 48, (httpd) total-vm:732728kB, anon-rss:198916kB, file-rss:2288kB",
            ],
            62185, "httpd", 5, 732728, 198916
        },
        {
            // ideawu/ssdb#547: CentOS 6 without uptime prefix
            "2014-11-29T00:00:00Z",
            [
                "Nov 28 22:42:04 RsappSQL01 kernel: Out of memory: Kill process 3679 (ssdb-server) score 838 or sacrifice child",
                "Nov 28 22:42:04 RsappSQL01 kernel: Killed process 3679, UID 0, (ssdb-server) total-vm:2061740kB, anon-rss:1375068kB, file-rss:1116kB",
            ],
            3679, "ssdb-server", 838, 2061740, 1375068
        },
        {
            // genular/pandora#49: 3.x/4.x, "Killed process N (x) total-vm:…, shmem-rss:…"
            "2019-05-08T00:00:00Z",
            [
                "May 07 21:43:54 doom kernel: Out of memory: Kill process 27438 (R) score 31 or sacrifice child",
                "May 07 21:43:54 doom kernel: Killed process 27438 (R) total-vm:38349780kB, anon-rss:1041924kB, file-rss:4kB, shmem-rss:0kB",
            ],
            27438, "R", 31, 38349780, 1041924
        },
        {
            // linux-test-project/ltp#1080: RHEL 7 (3.10) memory cgroup, "Killed process N (x), UID U, total-vm:…"
            "2019-08-17T00:00:00Z",
            [
                "Aug 16 20:29:54 hgzmm3cs239 kernel: Memory cgroup out of memory: Kill process 42453 (memcg_test_1) score 0 or sacrifice child",
                "Aug 16 20:29:54 hgzmm3cs239 kernel: Killed process 42453 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB",
            ],
            42453, "memcg_test_1", 0, 7296, 96
        },
        {
            // multiversx/mx-chain-go#4268: 5.x, "oom-kill:…" then "Out of memory: Killed process …, UID:… pgtables:…"
            "2022-07-05T00:00:00Z",
            [
                "Jul  4 01:53:32 elrond-devnet-en6-hel1-1 kernel: [123650.236344] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/elrond-node-0.service,task=node,pid=13390,uid=1001",
                "Jul  4 01:53:32 elrond-devnet-en6-hel1-1 kernel: [123650.236492] Out of memory: Killed process 13390 (node) total-vm:27668616kB, anon-rss:23623240kB, file-rss:0kB, shmem-rss:4kB, UID:1001 pgtables:46832kB oom_score_adj:0",
            ],
            13390, "node", null, 27668616, 23623240
        },
        {
            // A public journal excerpt (kaspa-devnet, 6.x: its task dump has rss_anon columns), via the code index
            "2025-04-06T00:00:00Z",
            [
                "Apr 05 08:24:14 kaspa-devnet kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-689.scope,task=kaspad,pid=1297859,uid=1000",
                "Apr 05 08:24:14 kaspa-devnet kernel: Out of memory: Killed process 1297859 (kaspad) total-vm:46513808kB, anon-rss:25891448kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:75680kB oom_score_adj:0",
            ],
            1297859, "kaspad", null, 46513808, 25891448
        },
    };

    [Theory]
    [MemberData(nameof(TwoLineKills))]
    public void Kills_logged_on_two_lines_are_one_event(string received, string[] lines, int pid, string process, int? score, long? totalVm, long? anonRss)
    {
        var kill = Assert.Single(DetectLines(received, lines));

        Assert.Equal(HostEventKinds.OomKill, kill.Kind);
        Assert.Equal(pid, kill.Pid);
        Assert.Equal(process, kill.Process);
        Assert.Equal(score, kill.Score);
        Assert.Equal(totalVm, kill.TotalVmKb);
        Assert.Equal(anonRss, kill.AnonRssKb);
        Assert.Equal(Parse(lines[0], Defaults(received, "UTC")).TimeUtc, kill.TimeUtc);
        Assert.Equal(string.Join('\n', lines.Select(line => Parse(line, Defaults(received, "UTC")).Message)), kill.Message);
    }

    [Fact]
    public void Centos6_kill_of_a_child_names_the_child()
    {
        // A public notes file (via the code index): CentOS 6 names the parent httpd (21107, root) and kills
        // a child (21109, UID 48 = apache). The event is the child's, with the parent's score.
        var kill = Assert.Single(DetectKernel(
            "Out of memory: Kill process 21107 (httpd) score 1000 or sacrifice child",
            "Killed process 21109, UID 48, (httpd) total-vm:177404kB, anon-rss:1780kB, file-rss:676kB"));

        Assert.Equal((21109, "httpd", 1000, 177404L, 1780L), (kill.Pid, kill.Process, kill.Score, kill.TotalVmKb, kill.AnonRssKb));
    }

    [Fact]
    public void Cgroup_kill_of_another_process_names_the_killed_one()
    {
        // apache/doris#3525 (3.10, memory cgroup): the process named and the one killed differ.
        var kill = Assert.Single(DetectLines("2020-05-09T00:00:00Z",
            "May  8 14:05:27 doris-03 kernel: Memory cgroup out of memory: Kill process 24984 (palo_be) score 968 or sacrifice child",
            "May  8 14:05:27 doris-03 kernel: Killed process 18177 (palo_be), UID 0, total-vm:70347780kB, anon-rss:45563572kB, file-rss:0kB, shmem-rss:0kB"));

        Assert.Equal((18177, "palo_be", 968, 70347780L, 45563572L), (kill.Pid, kill.Process, kill.Score, kill.TotalVmKb, kill.AnonRssKb));
    }

    [Fact]
    public void Kills_logged_on_three_lines_are_one_event()
    {
        // 4.19–5.0 printed the oom-kill summary, then the "Kill process … score" and "Killed process" lines.
        // No public log quoting all three was found: these follow that kernel's format strings.
        var kill = Assert.Single(DetectKernel(
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/pod1,task_memcg=/kubepods/pod1,task=python,pid=4015,uid=0",
            "Memory cgroup out of memory: Kill process 4015 (python) score 1923 or sacrifice child",
            "Killed process 4015 (python) total-vm:32812kB, anon-rss:23588kB, file-rss:1684kB, shmem-rss:0kB"));

        Assert.Equal((4015, "python", 1923, 32812L, 23588L), (kill.Pid, kill.Process, kill.Score, kill.TotalVmKb, kill.AnonRssKb));
        Assert.Equal(3, kill.Message.Split('\n').Length);
    }

    [Fact]
    public void Oom_reaper_line_belongs_to_the_kill()
    {
        // reportportal/kubernetes#203 (5.4, cgroup v2 "Memory cgroup out of memory: Killed process")
        var kill = Assert.Single(DetectKernel(
            "[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
            "[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB"));

        Assert.Equal((63214, "uwsgi", 3149468L, 164992L), (kill.Pid, kill.Process, kill.TotalVmKb, kill.AnonRssKb));
        Assert.EndsWith("oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB", kill.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_storm_of_kills_is_one_event_per_killed_process()
    {
        // docker/for-linux#1001: kills and reaps alternate within milliseconds; comm may itself hold parentheses.
        var events = DetectLines("2020-05-16T00:00:00Z",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.050606] Out of memory: Killed process 15784 (python3) total-vm:11964kB, anon-rss:4288kB, file-rss:3028kB, shmem-rss:0kB",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.053407] oom_reaper: reaped process 15784 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.061172] Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.064186] oom_reaper: reaped process 15925 ((resolved)), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.070786] Out of memory: Killed process 15783 (python3) total-vm:11964kB, anon-rss:4288kB, file-rss:3028kB, shmem-rss:0kB",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.073567] oom_reaper: reaped process 15783 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");

        Assert.Equal([(15784, "python3"), (15925, "(resolved)"), (15783, "python3")], events.Select(e => (e.Pid!.Value, e.Process!)));
        Assert.All(events, e => Assert.Equal(2, e.Message.Split('\n').Length));
    }

    [Fact]
    public void Memory_cgroup_kills_in_a_row_pair_each_kill_with_its_victim()
    {
        // linux-test-project/ltp#1080
        var events = DetectLines("2019-08-17T00:00:00Z",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Memory cgroup out of memory: Kill process 42453 (memcg_test_1) score 0 or sacrifice child",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Killed process 42453 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Memory cgroup out of memory: Kill process 42474 (memcg_test_1) score 0 or sacrifice child",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Killed process 42474 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:0kB, shmem-rss:0kB",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Memory cgroup out of memory: Kill process 42471 (memcg_test_1) score 0 or sacrifice child",
            "Aug 16 20:29:54 hgzmm3cs239 kernel: Killed process 42471 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:0kB, shmem-rss:0kB");

        Assert.Equal([42453, 42474, 42471], events.Select(e => e.Pid!.Value));
        Assert.All(events, e => Assert.Equal(2, e.Message.Split('\n').Length));
    }

    [Fact]
    public void Interleaved_lines_from_other_programs_do_not_break_the_join()
    {
        // LukeShirnia/out-of-memory tests (the kill) with rsyslogd lines from the same repository's
        // messages file and kernel lines that are not about the kill (docker/for-linux#1001) in between.
        var events = DetectLines("2016-04-13T00:00:00Z",
            "Apr 12 10:23:59 cloud-web1 kernel: [668192.383737] Out of memory: Kill process 62185 (httpd) score 5 or sacrifice child",
            "Jun 19 05:43:21 new-db1 rsyslogd-2177: imuxsock begins to drop messages from pid 3287 due to rate-limiting",
            "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 systemd[1]: networkd-dispatcher.service: Failed with result 'signal'.",
            "Apr 12 10:23:59 cloud-web1 kernel: [668192.383946] Killed process 62185, UID 48, (httpd) total-vm:732728kB, anon-rss:198916kB, file-rss:2288kB");

        var kill = Assert.Single(events);
        Assert.Equal((62185, 5, 732728L), (kill.Pid, kill.Score, kill.TotalVmKb));
        Assert.Equal(2, kill.Message.Split('\n').Length);
    }

    [Fact]
    public void A_kill_whose_second_line_never_came_is_still_an_event()
    {
        var events = DetectKernel(
            "Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child",
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=java,pid=1234,uid=1000");

        Assert.Equal([(12921, "httpd", (int?)26), (1234, "java", null)], events.Select(e => (e.Pid!.Value, e.Process!, e.Score)));
    }

    [Fact]
    public void A_reaper_line_without_its_kill_is_an_event_the_store_merges_into_the_kill()
    {
        // TuGraph-family/tugraph-db#977: the kill itself was in an earlier batch.
        var kill = Assert.Single(DetectLines("2024-06-26T00:00:00Z",
            "Jun 25 13:53:16 hugegraph03 kernel: [2670682.834672] oom_reaper: reaped process 68768 (lgraph_server), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"));

        Assert.Equal((HostEventKinds.OomKill, 68768, "lgraph_server"), (kill.Kind, kill.Pid, kill.Process));
        Assert.Null(kill.TotalVmKb);
    }

    [Fact]
    public void Lines_far_apart_in_time_are_not_joined()
    {
        var events = Detect([
            Kernel("Out of memory: Kill process 21107 (httpd) score 1000 or sacrifice child", "2015-08-17T03:31:33Z"),
            Kernel("Killed process 21109, UID 48, (httpd) total-vm:177404kB, anon-rss:1780kB, file-rss:676kB", "2015-08-17T03:35:00Z"),
        ]);

        Assert.Equal([21107, 21109], events.Select(e => e.Pid!.Value));
    }

    public static TheoryData<string, string[], string, int?> Invocations => new()
    {
        {
            // dlundquist/sniproxy#169: CentOS 6 "oom_adj=0, oom_score_adj=0", pid on "Pid: N, comm: x"
            "2015-06-22T00:00:00Z",
            [
                "Jun 21 10:18:28 london kernel: named invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0",
                "Jun 21 10:18:28 london kernel: named cpuset=/ mems_allowed=0",
                "Jun 21 10:18:28 london kernel: Pid: 891, comm: named Not tainted 2.6.32-504.12.2.el6.x86_64 #1",
            ],
            "named", 891
        },
        {
            // retspen/webvirtmgr#105: 3.8 with uptime prefix
            "2014-01-01T00:00:00Z",
            [
                "Dec 31 12:00:00 host kernel: [  153.403934] apache2 invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
                "Dec 31 12:00:00 host kernel: [  153.403938] apache2 cpuset=/ mems_allowed=0",
                "Dec 31 12:00:00 host kernel: [  153.403941] Pid: 1691, comm: apache2 Tainted: GF            3.8.0-29-generic #42-Ubuntu",
            ],
            "apache2", 1691
        },
        {
            // quaquel/pyNetLogo#53: 5.4; a comm with spaces
            "2022-04-26T00:00:00Z",
            [
                "Apr 25 19:05:01 netlogo01 kernel: [ 7097.004932] GC Thread#9 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
                "Apr 25 19:05:01 netlogo01 kernel: [ 7097.004954] CPU: 2 PID: 25671 Comm: GC Thread#9 Not tainted 5.4.0-109-generic #123-Ubuntu",
            ],
            "GC Thread#9", 25671
        },
        {
            // kernelkit/infix#1565: 6.18, "CPU: 0 UID: 0 PID: N Comm: x"
            "2025-07-10T00:00:00Z",
            [
                "Jul  9 02:49:02 target kernel: httpd invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=-1000",
                "Jul  9 02:49:02 target kernel: CPU: 0 UID: 0 PID: 6931 Comm: httpd Not tainted 6.18.37 #1 PREEMPT(full) ",
            ],
            "httpd", 6931
        },
        {
            // itechlounge.net (2.6.18, "oomkilladj"): no pid line follows in the quote
            "2016-02-12T00:00:00Z",
            ["Feb 11 10:00:00 host kernel: httpd invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=0"],
            "httpd", null
        },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public void Invoked_oom_killer_is_an_event_for_the_invoker(string received, string[] lines, string process, int? pid)
    {
        var invoked = Assert.Single(DetectLines(received, lines));

        Assert.Equal(HostEventKinds.OomInvoked, invoked.Kind);
        Assert.Equal(process, invoked.Process);
        Assert.Equal(pid, invoked.Pid);
        Assert.Equal(Parse(lines[0], Defaults(received, "UTC")).Message, invoked.Message);
    }

    [Theory]
    // darold/squidanalyzer#69 (2.6.32): "page allocation failure. order:…"
    [InlineData("squid-analyzer: page allocation failure. order:1, mode:0x20",
        "Pid: 11115, comm: squid-analyzer Tainted: G           --------------- H  2.6.32-279.9.1.el6.x86_64 #1", "squid-analyzer", 11115)]
    // Seagate/cortx-prvsnr#5465 (3.10): "page allocation failure: order:…", swapper has pid 0
    [InlineData("swapper/21: page allocation failure: order:0, mode:0x20",
        "CPU: 21 PID: 0 Comm: swapper/21 Kdump: loaded Tainted: P           OE  ------------   3.10.0-1062.el7.x86_64 #1", "swapper/21", 0)]
    // spdk/spdk#1252 (5.4): a kworker name holding ':'
    [InlineData("kworker/u16:3: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0",
        "CPU: 1 PID: 1333536 Comm: kworker/u16:3 Not tainted 5.4.19-100.fc30.x86_64 #1", "kworker/u16:3", 1333536)]
    public void Page_allocation_failure_is_an_event(string failure, string pidLine, string process, int pid)
    {
        var alloc = Assert.Single(DetectKernel(failure, pidLine));

        Assert.Equal((HostEventKinds.AllocFailure, process, (int?)pid), (alloc.Kind, alloc.Process, alloc.Pid));
        Assert.Equal(failure, alloc.Message);
    }

    [Theory]
    // systemd/systemd#23606 (memory pressure)
    [InlineData("Killed /user.slice/user-1001.slice/user@1001.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope due to memory pressure for /user.slice/user-1001.slice/user@1001.service being 51.07% > 50.00% for > 20s with reclaim activity",
        "vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope")]
    // systemd/systemd#42321 (newer systemd: "Marked … for killing")
    [InlineData("Marked /system.slice/systemd-journald.service for killing due to memory pressure for /system.slice being 85.03% > 80.00% for > 2s with reclaim activity",
        "systemd-journald.service")]
    public void Systemd_oomd_kill_names_the_unit(string text, string unit)
    {
        var events = Detect([new SyslogMessage(Utc("2023-12-19T00:34:56Z"), "user-desktop", "systemd-oomd", 840, 3, 5, text)]);

        var kill = Assert.Single(events);
        Assert.Equal((HostEventKinds.OomdKill, unit, (int?)null, text), (kill.Kind, kill.Process, kill.Pid, kill.Message));
    }

    [Fact]
    public void Systemd_oomd_line_through_the_syslog_parser_is_found()
    {
        // systemd/systemd#23606, the whole syslog line
        var events = DetectLines("2023-12-19T12:00:00Z",
            "Dec 18 19:34:56 user-desktop systemd-oomd[840]: Killed /user.slice/user-1001.slice/user@1001.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope due to memory pressure for /user.slice/user-1001.slice/user@1001.service being 51.07% > 50.00% for > 20s with reclaim activity",
            "Dec 18 19:34:56 user-desktop systemd[1837]: vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope: systemd-oomd killed 12 process(es) in this unit.");

        Assert.Equal(HostEventKinds.OomdKill, Assert.Single(events).Kind);
    }

    [Fact]
    public void Oom_text_from_other_programs_is_not_an_event()
    {
        var events = Detect([
            new SyslogMessage(Utc("2015-08-17T03:31:33Z"), "hoge", "bash", 1, 1, 5, "Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child"),
            new SyslogMessage(Utc("2015-08-17T03:31:33Z"), "hoge", "earlyoom", 7758, 3, 6, "Killed process 12921 (httpd)"),
        ]);

        Assert.Empty(events);
    }

    [Fact]
    public void Events_come_out_in_time_order()
    {
        var events = Detect([
            Kernel("Out of memory: Kill process 2 (httpd) score 26 or sacrifice child", "2015-08-17T03:33:41Z"),
            Kernel("httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0", "2015-08-17T03:31:33Z"),
        ]);

        Assert.Equal([HostEventKinds.OomInvoked, HostEventKinds.OomKill], events.Select(e => e.Kind));
    }
}
