using Dashboard.Server.Ingest.Syslog;
using Dashboard.Shared;

namespace Dashboard.Server.MemoryEvents;

/// <summary>
/// Reads one host's messages in order and finds memory events, joining the two or three lines the
/// kernel logs for one kill into one event. One instance per batch.
/// </summary>
/// <remarks>
/// Kernel dialects, with or without the <c>[ 1234.567890]</c> uptime prefix:
/// <list type="bullet">
/// <item>2.6.32–4.x: <c>Out of memory: Kill process 12921 (httpd) score 26 or sacrifice child</c>, then
/// <c>Killed process 12921 (httpd) total-vm:…kB, anon-rss:…kB, file-rss:…kB[, shmem-rss:…kB]</c>, or the
/// RHEL forms <c>Killed process 12921, UID 48, (httpd) total-vm:…</c> and <c>Killed process 12921 (httpd), UID 48, total-vm:…</c>.
/// The first line may name a parent and the second kill its child: the killed one is the event's.</item>
/// <item>4.19+: <c>oom-kill:constraint=…,task=java,pid=1234,uid=1000</c>, then (up to 5.0) the two lines
/// above or (5.1+) <c>Out of memory: Killed process 1234 (java) total-vm:…, UID:1000 pgtables:…kB oom_score_adj:0</c>.</item>
/// <item>Memory cgroups: the same behind <c>Memory cgroup out of memory:</c>.</item>
/// <item><c>oom_reaper: reaped process 1234 (java), now anon-rss:0kB…</c> closes a kill; it is not a new one.</item>
/// </list>
/// Lines of other programs in between do not break the join: only kernel and systemd-oomd lines are read.
/// </remarks>
public sealed class MemoryEventDetector
{
    // How far back a line looks for the kill it belongs to, so a batch of many kills stays linear.
    private const int MaxJoinDistance = 64;

    // The pid of an "invoked oom-killer" or "page allocation failure" line is on the
    // "CPU: 0 PID: 1691 Comm: httpd …" (older: "Pid: 1691, comm: httpd …") line just after it.
    private const int PidLookahead = 3;

    private static readonly System.Buffers.SearchValues<char> UptimeChars = System.Buffers.SearchValues.Create("0123456789.");

    private readonly List<Found> _found = [];
    private Found? _awaitingPid;
    private int _pidLinesLeft;

    public void Add(in SyslogMessage message)
    {
        if (message.Message is not { Length: > 0 } text)
        {
            return;
        }
        if (string.Equals(message.Program, "systemd-oomd", StringComparison.OrdinalIgnoreCase))
        {
            AddOomd(message.TimeUtc, text);
        }
        else if (message.Program is null || string.Equals(message.Program, "kernel", StringComparison.OrdinalIgnoreCase))
        {
            AddKernel(message.TimeUtc, text);
        }
    }

    /// <summary>The events found, in time order, including kills whose later lines never came.</summary>
    public IReadOnlyList<HostEvent> Finish() =>
        _found.OrderBy(f => f.TimeUtc)
            .Select(f => new HostEvent(f.TimeUtc, f.Kind, f.Pid, f.Process, f.Score, f.TotalVmKb, f.AnonRssKb, string.Join('\n', f.Lines)))
            .ToList();

    private void AddKernel(DateTime time, string raw)
    {
        var text = WithoutUptime(raw);
        if (_awaitingPid is { } awaiting && TakePid(awaiting, text))
        {
            return;
        }
        if (text.StartsWith("oom-kill:", StringComparison.Ordinal))
        {
            AddOomKillLine(time, raw, text);
        }
        else if (IndexOf(text, ": Kill process ") is var kill and >= 0)
        {
            AddKillProcessLine(time, raw, text[(kill + ": Kill process ".Length)..]);
        }
        else if (IndexOf(text, "Killed process ") is var killed and >= 0)
        {
            AddKilledProcessLine(time, raw, text[(killed + "Killed process ".Length)..]);
        }
        else if (text.StartsWith("oom_reaper: reaped process ", StringComparison.Ordinal))
        {
            AddReaperLine(time, raw, text["oom_reaper: reaped process ".Length..]);
        }
        else if (IndexOf(text, " invoked oom-killer") is var invoked and > 0)
        {
            AddAwaitingPid(new Found(time, HostEventKinds.OomInvoked, raw) { Process = text[..invoked].Trim().ToString() });
        }
        else if (IndexOf(text, ": page allocation failure") is var failure and > 0)
        {
            AddAwaitingPid(new Found(time, HostEventKinds.AllocFailure, raw) { Process = text[..failure].Trim().ToString() });
        }
    }

    // 4.19+: "oom-kill:constraint=CONSTRAINT_NONE,…,task_memcg=/user.slice,task=java,pid=1234,uid=1000".
    private void AddOomKillLine(DateTime time, string raw, ReadOnlySpan<char> text)
    {
        var task = text.IndexOf(",task=", StringComparison.Ordinal);
        var pid = text.LastIndexOf(",pid=", StringComparison.Ordinal);
        if (task < 0 || pid < task)
        {
            return;
        }
        var pidText = text[(pid + ",pid=".Length)..];
        _found.Add(new Found(time, HostEventKinds.OomKill, raw)
        {
            Pid = ReadInt(pidText),
            Process = NullIfEmpty(text[(task + ",task=".Length)..pid]),
            HasOomKillLine = true,
        });
    }

    // "12921 (httpd) score 26 or sacrifice child" (2.6.32–5.0); "7986 (apache) score 15147 or a child" (older).
    private void AddKillProcessLine(DateTime time, string raw, ReadOnlySpan<char> text)
    {
        var pid = ReadInt(text);
        var open = text.IndexOf('(');
        var scoreAt = text.IndexOf(" score ", StringComparison.Ordinal);
        if (pid is null || open < 0 || scoreAt < open)
        {
            return;
        }
        var close = text[..scoreAt].LastIndexOf(')');
        var process = close > open ? NullIfEmpty(text[(open + 1)..close]) : null;
        var score = ReadInt(text[(scoreAt + " score ".Length)..]);

        // 4.19–5.0 logged "oom-kill:…" first, then this line: the same kill.
        var kill = FindKill(time, k => k.HasOomKillLine && !k.HasScoreLine && !k.HasKilledLine && k.Pid == pid);
        if (kill is null)
        {
            kill = new Found(time, HostEventKinds.OomKill, raw) { Pid = pid, Process = process };
            _found.Add(kill);
        }
        else
        {
            kill.Lines.Add(raw);
        }
        kill.HasScoreLine = true;
        kill.Score = score;
    }

    // "12921 (httpd) total-vm:…", "12921, UID 48, (httpd) total-vm:…", "42452 (memcg_test_1), UID 0, total-vm:…",
    // "1234 (java) total-vm:…, UID:1000 pgtables:…", or just "7986 (apache)" on the oldest kernels.
    private void AddKilledProcessLine(DateTime time, string raw, ReadOnlySpan<char> text)
    {
        var pid = ReadInt(text);
        var open = text.IndexOf('(');
        if (pid is null || open < 0)
        {
            return;
        }
        var totalVm = text.IndexOf(" total-vm:", StringComparison.Ordinal);
        var uid = text[open..].IndexOf("), UID", StringComparison.Ordinal);
        var close = totalVm > open ? text[..totalVm].LastIndexOf(')')
            : uid >= 0 ? open + uid
            : text.LastIndexOf(')');
        var process = close > open ? NullIfEmpty(text[(open + 1)..close]) : null;

        // The kill this line completes: the one for this pid, else the latest "Kill process" line
        // waiting for its victim (2.6.32–4.x may sacrifice a child of the process it named).
        var kill = FindKill(time, k => !k.HasKilledLine && k.Pid == pid)
            ?? FindKill(time, k => !k.HasKilledLine && k.HasScoreLine);
        if (kill is null)
        {
            kill = new Found(time, HostEventKinds.OomKill, raw);
            _found.Add(kill);
        }
        else
        {
            kill.Lines.Add(raw);
        }
        kill.HasKilledLine = true;
        kill.Pid = pid;
        kill.Process = process ?? kill.Process;
        kill.TotalVmKb = ReadField(text, "total-vm:");
        kill.AnonRssKb = ReadField(text, "anon-rss:");
    }

    // "1234 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB": the end of a kill already logged.
    private void AddReaperLine(DateTime time, string raw, ReadOnlySpan<char> text)
    {
        var pid = ReadInt(text);
        if (pid is null)
        {
            return;
        }
        var kill = FindKill(time, k => k.Pid == pid);
        if (kill is not null)
        {
            kill.Lines.Add(raw);
            return;
        }
        // The kill's own lines were in an earlier batch: an event for the pid alone, which
        // HostEventStore merges into the stored kill (same host, kind and pid within HostEvent.SameKillWindow).
        var open = text.IndexOf('(');
        var close = text.IndexOf("), now", StringComparison.Ordinal);
        _found.Add(new Found(time, HostEventKinds.OomKill, raw)
        {
            Pid = pid,
            Process = open >= 0 && close > open ? NullIfEmpty(text[(open + 1)..close]) : null,
        });
    }

    private void AddAwaitingPid(Found found)
    {
        if (found.Process is { Length: 0 })
        {
            found.Process = null;
        }
        _found.Add(found);
        _awaitingPid = found.Process is null ? null : found;
        _pidLinesLeft = PidLookahead;
    }

    // "CPU: 3 PID: 16360 Comm: postcli Tainted: …", "CPU: 0 UID: 0 PID: 6931 Comm: httpd Not tainted …",
    // "Pid: 1691, comm: apache2 Tainted: …" — for the process named on the line before.
    private bool TakePid(Found awaiting, ReadOnlySpan<char> text)
    {
        if (--_pidLinesLeft <= 0)
        {
            _awaitingPid = null;
        }
        var at = text.IndexOf("PID: ", StringComparison.Ordinal);
        var digits = at >= 0 ? at + "PID: ".Length : text.StartsWith("Pid: ", StringComparison.Ordinal) ? "Pid: ".Length : -1;
        if (digits < 0)
        {
            return false;
        }
        var comm = IndexOf(text, "comm: ");
        if (comm < 0 || awaiting.Process is not { } process)
        {
            return false;
        }
        var name = text[(comm + "comm: ".Length)..];
        if (!name.StartsWith(process, StringComparison.Ordinal) || (name.Length > process.Length && name[process.Length] != ' '))
        {
            return false;
        }
        awaiting.Pid = ReadInt(text[digits..]);
        _awaitingPid = null;
        return true;
    }

    // "Killed /user.slice/…/app-firefox-123.scope due to memory pressure for … being 64.52% > 50.00% for > 20s with reclaim activity",
    // "Killed /system.slice/httpd.service due to memory used (…) / total (…) and swap used …",
    // newer releases: "Marked /system.slice/x.service for killing due to memory pressure for …".
    private void AddOomd(DateTime time, string text)
    {
        int pathEnd;
        if (text.StartsWith("Killed /", StringComparison.Ordinal))
        {
            pathEnd = text.IndexOf(" due to ", StringComparison.Ordinal);
        }
        else if (text.StartsWith("Marked /", StringComparison.Ordinal))
        {
            pathEnd = text.IndexOf(" for killing due to ", StringComparison.Ordinal);
        }
        else
        {
            return;
        }
        if (pathEnd < "Killed /".Length)
        {
            return;
        }
        var path = text.AsSpan("Killed ".Length, pathEnd - "Killed ".Length);
        var unit = path[(path.LastIndexOf('/') + 1)..];
        var process = unit.IsEmpty ? path.ToString() : unit.ToString();
        var same = FindKill(time, f => f.Kind == HostEventKinds.OomdKill && f.Process == process);
        if (same is not null)
        {
            same.Lines.Add(text);
            return;
        }
        _found.Add(new Found(time, HostEventKinds.OomdKill, text) { Process = process });
    }

    private Found? FindKill(DateTime time, Func<Found, bool> match)
    {
        for (var i = _found.Count - 1; i >= 0 && i >= _found.Count - MaxJoinDistance; i--)
        {
            var found = _found[i];
            if ((found.Kind is HostEventKinds.OomKill or HostEventKinds.OomdKill)
                && (time - found.TimeUtc).Duration() <= HostEvent.SameKillWindow && match(found))
            {
                return found;
            }
        }
        return null;
    }

    // "[ 1234.567890] Out of memory: …" → "Out of memory: …". The stored message keeps the prefix.
    private static ReadOnlySpan<char> WithoutUptime(string text)
    {
        var span = text.AsSpan().TrimStart(' ');
        if (span.StartsWith('['))
        {
            var close = span.IndexOf(']');
            if (close > 1 && span[1..close].Trim(' ') is { Length: > 0 } uptime
                && uptime.IndexOfAnyExcept(UptimeChars) < 0)
            {
                return span[(close + 1)..].TrimStart(' ');
            }
        }
        return span;
    }

    private static int IndexOf(ReadOnlySpan<char> text, string value) => text.IndexOf(value, StringComparison.OrdinalIgnoreCase);

    private static string? NullIfEmpty(ReadOnlySpan<char> text) => text.IsEmpty ? null : text.ToString();

    // "total-vm:177404kB" → 177404.
    private static long? ReadField(ReadOnlySpan<char> text, string name)
    {
        var at = text.IndexOf(name, StringComparison.Ordinal);
        return at < 0 ? null : ReadLong(text[(at + name.Length)..]);
    }

    private static int? ReadInt(ReadOnlySpan<char> text) => ReadLong(text) is long value and <= int.MaxValue ? (int)value : null;

    private static long? ReadLong(ReadOnlySpan<char> text)
    {
        var length = text.IndexOfAnyExceptInRange('0', '9');
        if (length < 0)
        {
            length = text.Length;
        }
        return length is > 0 and <= 18 ? long.Parse(text[..length], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private sealed class Found(DateTime timeUtc, string kind, string line)
    {
        public DateTime TimeUtc { get; } = timeUtc;
        public string Kind { get; } = kind;
        public List<string> Lines { get; } = [line];
        public int? Pid { get; set; }
        public string? Process { get; set; }
        public int? Score { get; set; }
        public long? TotalVmKb { get; set; }
        public long? AnonRssKb { get; set; }
        public bool HasOomKillLine { get; set; }
        public bool HasScoreLine { get; set; }
        public bool HasKilledLine { get; set; }
    }
}
