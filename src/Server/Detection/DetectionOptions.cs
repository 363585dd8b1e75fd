using Microsoft.Extensions.Options;

namespace Dashboard.Server.Detection;

/// <summary>The detection rules' thresholds (configuration section <c>Dashboard:Detection</c>); the README lists them.</summary>
public sealed class DetectionOptions
{
    /// <summary>Whether the rules run at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The window requests are counted over, for request shapes and surges.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A request-shape alert turns critical at this many shaped requests within the window.</summary>
    public int ShapeCriticalRequests { get; set; } = 100;

    /// <summary>Requests within the window below which no address is a surge, however quiet the host (0.5 a second); a surge above it is info.</summary>
    public int SurgeFloor { get; set; } = 300;

    /// <summary>A surge of this many requests within the window is a warning (2 a second: more than an office behind one address browses).</summary>
    public int SurgeWarningRequests { get; set; } = 1_200;

    /// <summary>A surge of this many requests within the window is critical (5 a second).</summary>
    public int SurgeCriticalRequests { get; set; } = 3_000;

    /// <summary>How many times its own usual rate (over the day before) an address must send to surge.</summary>
    public double SurgeOverOwnRate { get; set; } = 10;

    /// <summary>How far above the host's usual per-address rate (median + this many median absolute deviations) a surge must be.</summary>
    public double SurgeOverPopulationMads { get; set; } = 10;

    /// <summary>A surging address must be among the host's this many busiest addresses of the window.</summary>
    public int SurgeTopTalkers { get; set; } = 5;

    /// <summary>History a host needs before surges are judged (without it, everything looks new).</summary>
    public TimeSpan SurgeMinHistory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Memory and swap predicted to run out within this is a memory-exhaustion alert.</summary>
    public TimeSpan MemoryHorizon { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The trend of what is left is fitted over this much of the latest samples.</summary>
    public TimeSpan MemoryFitWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A fall smaller than this share of memory and swap over the fit window is noise, not a trend.</summary>
    public double MemoryMinFall { get; set; } = 0.05;

    /// <summary>Below this share of memory and swap left, memory has run out already.</summary>
    public double MemoryExhausted { get; set; } = 0.03;

    /// <summary>OOM kills closer than this to each other are one alert.</summary>
    public TimeSpan OomGroupGap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An alert whose condition has not held for this long (in the host's own data) has ended.</summary>
    public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far back suspects for a memory alert or OOM kills are looked for.</summary>
    public TimeSpan SuspectLookback { get; set; } = TimeSpan.FromMinutes(60);
}

internal sealed class ValidateDetectionOptions : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        List<string> errors = [];
        void Positive(TimeSpan value, string setting)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"Dashboard:Detection:{setting} must be positive.");
            }
        }
        Positive(options.Window, nameof(options.Window));
        Positive(options.MemoryHorizon, nameof(options.MemoryHorizon));
        Positive(options.MemoryFitWindow, nameof(options.MemoryFitWindow));
        Positive(options.OomGroupGap, nameof(options.OomGroupGap));
        Positive(options.ResolveAfter, nameof(options.ResolveAfter));
        Positive(options.SuspectLookback, nameof(options.SuspectLookback));
        if (options.Window.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add("Dashboard:Detection:Window must be whole minutes.");
        }
        if (options.SurgeFloor < 1 || options.ShapeCriticalRequests < 1 || options.SurgeTopTalkers < 1)
        {
            errors.Add("Dashboard:Detection:SurgeFloor, ShapeCriticalRequests and SurgeTopTalkers must be at least 1.");
        }
        if (options.SurgeWarningRequests < options.SurgeFloor || options.SurgeCriticalRequests < options.SurgeWarningRequests)
        {
            errors.Add("Dashboard:Detection:SurgeFloor <= SurgeWarningRequests <= SurgeCriticalRequests.");
        }
        if (options.SurgeOverOwnRate < 1 || options.SurgeOverPopulationMads < 0)
        {
            errors.Add("Dashboard:Detection:SurgeOverOwnRate must be at least 1 and SurgeOverPopulationMads not negative.");
        }
        if (options.MemoryMinFall is < 0 or >= 1 || options.MemoryExhausted is < 0 or >= 1)
        {
            errors.Add("Dashboard:Detection:MemoryMinFall and MemoryExhausted are shares between 0 and 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
