using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Client.Charts;

namespace Dashboard.Client.Tests.Charts;

public sealed partial class SparklineTests : BunitContext
{
    [GeneratedRegex(@"([ML])(-?[0-9.]+),(-?[0-9.]+)")]
    private static partial Regex PathPoint();

    private IRenderedComponent<Sparkline> RenderSparkline(long[] values, int width = 80, int height = 20) =>
        Render<Sparkline>(p => p
            .Add(c => c.Values, values)
            .Add(c => c.Title, "Requests per minute")
            .Add(c => c.Width, width)
            .Add(c => c.Height, height));

    private static (char Command, double X, double Y)[] Points(IRenderedComponent<Sparkline> cut) =>
        [.. PathPoint().Matches(cut.Find("path").GetAttribute("d")!).Select(m => (
            m.Groups[1].Value[0],
            double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))];

    [Fact]
    public void Draws_one_point_per_value_across_the_width()
    {
        var points = Points(RenderSparkline([1, 5, 3, 0, 2]));

        Assert.Equal(5, points.Length);
        Assert.Equal(['M', 'L', 'L', 'L', 'L'], points.Select(p => p.Command));
        Assert.Equal([0, 20, 40, 60, 80], points.Select(p => p.X));
    }

    [Fact]
    public void The_highest_value_touches_the_top_and_zero_the_bottom()
    {
        var points = Points(RenderSparkline([0, 10, 5]));

        Assert.Equal([19, 1, 10], points.Select(p => p.Y));
    }

    [Fact]
    public void No_values_draw_no_line_but_keep_the_title()
    {
        var cut = RenderSparkline([]);

        Assert.Empty(cut.FindAll("path"));
        Assert.Equal("Requests per minute", cut.Find("svg > title").TextContent);
    }

    [Fact]
    public void Flat_values_draw_a_level_line()
    {
        var points = Points(RenderSparkline([0, 0, 0]));

        Assert.Equal(3, points.Length);
        Assert.All(points, p => Assert.Equal(19, p.Y));
    }

    [Fact]
    public void A_single_value_draws_a_level_line_across_the_width()
    {
        var points = Points(RenderSparkline([7]));

        Assert.Equal([('M', 0, 1), ('L', 80, 1)], points);
    }

    [Fact]
    public void Is_an_image_named_by_its_title()
    {
        var svg = RenderSparkline([1, 2]).Find("svg");

        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("Requests per minute", svg.GetAttribute("aria-label"));
        Assert.Equal("0 0 80 20", svg.GetAttribute("viewBox"));
    }

    [Fact]
    public void Coordinates_do_not_follow_the_current_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var d = RenderSparkline([0, 1, 2], width: 10, height: 10).Find("path").GetAttribute("d");

            Assert.Equal("M0,9L5,5L10,1", d);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
