namespace Dashboard.Server.Demo;

/// <summary>
/// hoge's memory every 10 s (4 GB of RAM, 2 GB of swap) as its 2.6.32 kernel shows it: steady; then
/// each Range request leaves an httpd child megabytes larger (Apache 2.2 keeps what a child allocated),
/// so the page cache goes and swap fills while the children grind on; the kills free it; Tomcat is
/// restarted. Story times (JST).
/// </summary>
internal static class DemoMemory
{
    private const long MemTotalKb = 3923752;
    private const long SwapTotalKb = 2097148;
    private const long SwapFreeBeforeKb = 2031420;
    private const long AvailableBeforeKb = 1958000;

    // What one attack request leaves allocated in the child that served it.
    private const long KbPerAttackRequest = 3700;

    private static readonly DateTimeOffset SwapFrom = DemoIncident.At(12, 18, 0);
    private static readonly DateTimeOffset SwapGoneAt = DemoIncident.At(12, 31, 30);
    private static readonly DateTimeOffset TomcatRestart = DemoIncident.At(12, 38, 20);

    public static List<DemoMemorySample> Generate()
    {
        var random = new Random(1233196);
        List<DemoMemorySample> samples = [];
        for (var time = DemoIncident.Start; time < DemoIncident.End; time = time.AddSeconds(10))
        {
            double Noise(double amplitude) => (random.NextDouble() * 2 - 1) * amplitude;
            var seconds = (time - DemoIncident.Start).TotalSeconds;
            var steady = AvailableBeforeKb + 24000 * Math.Sin(2 * Math.PI * seconds / 1900) + Noise(8000);
            double available, swapFree, cached;
            if (time < DemoIncident.FirstKill)
            {
                // Before the kills: what the attack took, until only the kernel's reserve is left.
                var drained = steady - KbPerAttackRequest * AttackRequestsBefore(time.AddSeconds(-20));
                var floor = time < SwapGoneAt ? 200000 - 140000 * Progress(time, DemoIncident.At(12, 20, 0), SwapGoneAt) : 60000;
                available = Math.Max(drained, floor + Noise(9000));
                var swapUsed = Math.Pow(Progress(time, SwapFrom, SwapGoneAt), 1.3);
                swapFree = time < SwapFrom ? SwapFreeBeforeKb + Noise(600) : Math.Max(0, SwapFreeBeforeKb * (1 - swapUsed) + Noise(4000));
                cached = Math.Max(42000 + Noise(3000), available * 0.76 - 10000);
            }
            else if (time <= DemoIncident.LastKill)
            {
                // Each kill's freed memory is taken at once by the children still growing.
                available = 78000 + Noise(30000);
                swapFree = 14000 + Noise(14000);
                cached = 44000 + Noise(3000);
            }
            else
            {
                var sinceKills = (time - DemoIncident.LastKill).TotalSeconds;
                var tomcat = 640000 * Progress(time, TomcatRestart, TomcatRestart.AddSeconds(100));
                available = 2560000 - 960000 * Math.Exp(-sinceKills / 40) - tomcat + Noise(9000);
                swapFree = 1552000 + 40000 * Progress(time, DemoIncident.LastKill, DemoIncident.End) + Noise(1500);
                cached = 95000 + 480000 * Progress(time, DemoIncident.LastKill, DemoIncident.End) + Noise(4000);
            }
            // No MemAvailable on a 2.6.32 kernel: what is available is read as MemFree + Buffers + Cached, so they add up to it.
            var availableKb = (long)available;
            var buffers = (long)Math.Clamp(available * 0.03, 1200, 48000);
            var free = (long)Math.Max(38000 + Noise(2500), time > DemoIncident.LastKill ? available - buffers - cached : available * 0.16);
            free = Math.Min(free, availableKb - buffers);
            samples.Add(new(time, MemTotalKb, free, buffers, availableKb - buffers - free, SwapTotalKb, (long)swapFree));
        }
        return samples;
    }

    /// <summary>The attack's requests received before <paramref name="time"/>, spread evenly within each minute.</summary>
    private static double AttackRequestsBefore(DateTimeOffset time)
    {
        var minutes = (time - DemoAccessLog.AttackRampFrom).TotalMinutes;
        var total = 0.0;
        for (var minute = 0; minute < DemoAccessLog.AttackPerMinute.Length && minute < minutes; minute++)
        {
            total += DemoAccessLog.AttackPerMinute[minute] * Math.Min(1, minutes - minute);
        }
        return total;
    }

    private static double Progress(DateTimeOffset time, DateTimeOffset from, DateTimeOffset to) =>
        Math.Clamp((time - from).TotalSeconds / (to - from).TotalSeconds, 0, 1);
}
