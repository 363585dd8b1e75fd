using System.Text.RegularExpressions;
using Dashboard.Server.Demo;

namespace Dashboard.Server.Tests.Demo;

/// <summary>The generated incident itself, before any server reads it.</summary>
public sealed partial class DemoIncidentTests
{
    private static readonly DemoIncident Incident = DemoIncident.Create();

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
        Assert.True(Incident.Access.Select(l => l.Text.Split(' ')[0]).Distinct().Count() >= 40, "several dozen clients");
        Assert.Contains(Incident.Access, l => l.Text.StartsWith("2400:", StringComparison.Ordinal));
        Assert.Contains(Incident.Access, l => l.Text.Contains("\" 404 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Ten_kills_from_12_31_33_to_12_33_41_java_first_then_httpd()
    {
        var kills = Incident.Syslog.Where(l => l.Text.Contains("kernel: Killed process ", StringComparison.Ordinal)).ToList();

        Assert.Equal(10, kills.Count);
        Assert.Equal(DemoIncident.FirstKill, kills[0].Time);
        Assert.Equal(DemoIncident.LastKill, kills[^1].Time);
        Assert.Contains("(java)", kills[0].Text, StringComparison.Ordinal);
        Assert.All(kills.Skip(1), l => Assert.Contains(", UID 48, (httpd) total-vm:", l.Text, StringComparison.Ordinal));
        Assert.Equal(3, Incident.Syslog.Count(l => l.Text.EndsWith("httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0", StringComparison.Ordinal)));
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

    [GeneratedRegex("""^[0-9a-f.:]+ - - \[17/Aug/2015:1[123]:\d\d:\d\d \+0900\] "(GET|HEAD) /\S* HTTP/1\.[01]" \d{3} (\d+|-) "[^"]*" "([^"\\]|\\.)*"$""")]
    private static partial Regex AccessLine();
}
