using System.Text.Json.Serialization;

namespace Dashboard.Client.Charts;

/// <summary>What differs between the options a chart shows and new ones; sent to the JS module's <c>update</c>.</summary>
internal sealed record ChartChanges(bool Series, bool XRange, bool Annotations, bool YAxis)
{
    /// <summary>
    /// Options ApexCharts cannot change in place, and the y format, which lives in formatter functions
    /// (axis and tooltip) that the JS module sets up when it draws the chart.
    /// </summary>
    public static bool NeedRecreate(ChartOptions shown, ChartOptions next) =>
        shown.Kind != next.Kind
        || shown.Stacked != next.Stacked
        || shown.Height != next.Height
        || shown.Dark != next.Dark
        || shown.YFormat != next.YFormat;

    public static ChartChanges Between(ChartOptions shown, ChartOptions next) => new(
        Series: !shown.Series.SequenceEqual(next.Series, SeriesComparer.Instance),
        XRange: shown.XMin != next.XMin || shown.XMax != next.XMax,
        Annotations: !shown.Annotations.SequenceEqual(next.Annotations),
        YAxis: shown.YTitle != next.YTitle);

    [JsonIgnore]
    public bool Any => Series || XRange || Annotations || YAxis;

    private sealed class SeriesComparer : IEqualityComparer<ChartSeries>
    {
        public static readonly SeriesComparer Instance = new();

        public bool Equals(ChartSeries? x, ChartSeries? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null && x.Name == y.Name && x.Color == y.Color
                && (ReferenceEquals(x.Points, y.Points) || x.Points.SequenceEqual(y.Points)));

        public int GetHashCode(ChartSeries obj) => HashCode.Combine(obj.Name, obj.Points.Count);
    }
}
