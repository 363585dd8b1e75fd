namespace Dashboard.Server.Detection;

/// <summary>One memory sample as detection reads it: what is left is available memory plus free swap.</summary>
internal readonly record struct MemoryLeft(DateTime Time, double LeftKb, double TotalKb);

/// <summary>What the samples of the fit window say at one time: what is left, how fast it falls, and when it runs out.</summary>
internal readonly record struct MemoryForecast(DateTime Time, double LeftKb, double TotalKb, double FallKbPerMinute)
{
    /// <summary>Minutes until nothing is left at the fitted rate; infinite when it does not fall.</summary>
    public double MinutesLeft => FallKbPerMinute > 0 ? LeftKb / FallKbPerMinute : double.PositiveInfinity;
}

/// <summary>A least-squares line through the samples of the fit window: robust enough for a 10 s sample rate, and cheap.</summary>
internal static class MemoryTrend
{
    /// <summary>The forecast at the last sample, from the samples of <paramref name="window"/> (oldest first); null without enough of them.</summary>
    public static MemoryForecast? At(IReadOnlyList<MemoryLeft> window, TimeSpan fitWindow)
    {
        if (window.Count < 4 || window[^1].Time - window[0].Time < fitWindow / 2)
        {
            return null;
        }
        var origin = window[0].Time;
        double n = window.Count, sumX = 0, sumY = 0, sumXx = 0, sumXy = 0;
        foreach (var sample in window)
        {
            var x = (sample.Time - origin).TotalMinutes;
            sumX += x;
            sumY += sample.LeftKb;
            sumXx += x * x;
            sumXy += x * sample.LeftKb;
        }
        var denominator = n * sumXx - sumX * sumX;
        var slope = denominator == 0 ? 0 : (n * sumXy - sumX * sumY) / denominator;
        var last = window[^1];
        return new MemoryForecast(last.Time, last.LeftKb, last.TotalKb, -slope);
    }

    /// <summary>The forecast at every sample at or after <paramref name="from"/>, each from the samples of the fit window before it.</summary>
    public static IEnumerable<MemoryForecast> Over(IReadOnlyList<MemoryLeft> samples, DateTime from, TimeSpan fitWindow)
    {
        var start = 0;
        for (var end = 0; end < samples.Count; end++)
        {
            if (samples[end].Time < from)
            {
                continue;
            }
            while (samples[end].Time - samples[start].Time > fitWindow)
            {
                start++;
            }
            if (At(samples.Skip(start).Take(end - start + 1).ToList(), fitWindow) is { } forecast)
            {
                yield return forecast;
            }
        }
    }
}
