using System.Text.Json.Serialization;

namespace Dashboard.Client.Charts;

/// <summary>What an <see cref="ApexChart"/> draws.</summary>
/// <remarks>
/// Times on the x axis are epoch milliseconds of the wall-clock time in the display time zone, read as if
/// it were UTC: the page shifts instants into its zone, the chart never does zone math. Every string here
/// may come from log lines; the chart shows it as text.
/// <para>
/// A new instance with other <see cref="Series"/>, <see cref="XMin"/>/<see cref="XMax"/>,
/// <see cref="Annotations"/> or <see cref="YTitle"/> updates the chart in place, without animation;
/// another <see cref="Kind"/>, <see cref="Stacked"/>, <see cref="Height"/>, <see cref="Dark"/> or
/// <see cref="YFormat"/> draws it anew.
/// </para>
/// </remarks>
public sealed record ChartOptions
{
    /// <summary>How the series are drawn. Default <see cref="ChartKind.Area"/>.</summary>
    public ChartKind Kind { get; init; } = ChartKind.Area;

    /// <summary>Stacks the series, so the top of the stack is their total.</summary>
    public bool Stacked { get; init; }

    /// <summary>Height in CSS pixels; the chart takes the width of its container. Default 240.</summary>
    public int Height { get; init; } = 240;

    /// <summary>Draws for a dark page background.</summary>
    public bool Dark { get; init; }

    /// <summary>Start of the x axis (epoch ms, display zone). Charts stacked on a page share one range.</summary>
    public required long XMin { get; init; }

    /// <summary>End of the x axis (epoch ms, display zone).</summary>
    public required long XMax { get; init; }

    /// <summary>The series, in legend order (the first is at the bottom of a stack).</summary>
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>Title beside the y axis; null for none.</summary>
    public string? YTitle { get; init; }

    /// <summary>How y values are written on the axis and in the tooltip. Default <see cref="ChartValueFormat.Count"/>.</summary>
    public ChartValueFormat YFormat { get; init; } = ChartValueFormat.Count;

    /// <summary>Vertical marker lines at points in time (OOM kills, other memory events).</summary>
    public IReadOnlyList<XAnnotation> Annotations { get; init; } = [];
}

/// <summary>How an <see cref="ApexChart"/> draws its series.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChartKind>))]
public enum ChartKind
{
    /// <summary>Filled areas; stacked, they show shares of a total.</summary>
    Area,

    /// <summary>Lines.</summary>
    Line,

    /// <summary>Columns.</summary>
    Bar,
}

/// <summary>How y values are written.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChartValueFormat>))]
public enum ChartValueFormat
{
    /// <summary>Whole numbers: <c>1,234</c>.</summary>
    Count,

    /// <summary>Values in KiB (as /proc/meminfo gives them), written in binary units: <c>512 KB</c>, <c>1.5 GB</c>.</summary>
    Kilobytes,

    /// <summary>Values from 0 to 100, on an axis from 0 to 100: <c>42%</c>.</summary>
    Percent,
}

/// <summary>One named line, area or set of columns.</summary>
/// <param name="Name">Shown in the legend and tooltip (for traffic, a client IP).</param>
/// <param name="Points">Points in x order.</param>
/// <param name="Color">A CSS colour, <c>#rgb</c>/<c>#rrggbb</c> or a colour name; null for the palette's next one.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, string? Color = null);

/// <summary>One value at one time.</summary>
/// <param name="X">Epoch milliseconds in the display zone (see <see cref="ChartOptions"/>).</param>
/// <param name="Y">The value; null leaves a gap.</param>
public readonly record struct ChartPoint(long X, double? Y);

/// <summary>A vertical marker line across the plot, or with <paramref name="X2"/> a shaded band.</summary>
/// <param name="X">Where, in epoch milliseconds in the display zone.</param>
/// <param name="Label">Text written along the line (for an OOM kill, the killed process); empty for none.</param>
/// <param name="Color">A CSS colour, <c>#rgb</c>/<c>#rrggbb</c> or a colour name; null for red when strong, grey otherwise.</param>
/// <param name="Strong">A solid, thicker line with a filled label (OOM kills) rather than a thin dashed one.</param>
/// <param name="LabelRow">
/// Null writes the label along the line. A row number writes it across, that many label heights below
/// the top: markers too close for their labels to fit side by side get successive rows, so a burst of
/// kills reads as a column of labels. A band's label is always written across, that many rows above the foot of the plot.
/// </param>
/// <param name="X2">Where a band ends (epoch ms, display zone); null for a line. Bands (alerts) are drawn beneath the lines.</param>
public sealed record XAnnotation(long X, string Label, string? Color = null, bool Strong = false, int? LabelRow = null, long? X2 = null);

/// <summary>An x range the user selected on a chart by dragging across it.</summary>
/// <param name="From">Start, epoch milliseconds in the display zone.</param>
/// <param name="To">End, epoch milliseconds in the display zone.</param>
public readonly record struct ChartZoom(long From, long To);
