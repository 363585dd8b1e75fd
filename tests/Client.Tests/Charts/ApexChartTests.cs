using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Dashboard.Client.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Dashboard.Client.Tests.Charts;

public sealed class ApexChartTests : BunitContext
{
    private const long Start = 1_439_814_600_000; // 2015-08-17 12:30 in the display zone, read as UTC
    private const long Minute = 60_000;

    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    private static readonly ChartOptions Traffic = new()
    {
        XMin = Start,
        XMax = Start + (10 * Minute),
        Stacked = true,
        YTitle = "Requests per minute",
        Series =
        [
            new ChartSeries("202.215.15.8", [new(Start, 12), new(Start + Minute, 452)], "#d62728"),
            new ChartSeries("other", [new(Start, 3), new(Start + Minute, null)]),
        ],
        Annotations = [new XAnnotation(Start + (90 * 1000), "httpd", Strong: true), new XAnnotation(Start, "oom-invoked")],
    };

    private readonly BunitJSModuleInterop _module;
    private readonly BunitJSModuleInterop _chart;

    public ApexChartTests()
    {
        Services.AddSingleton(ChartDrawing.ThroughInterop);
        JSInterop.Mode = JSRuntimeMode.Strict;
        _module = JSInterop.SetupModule("./Charts/ApexChart.razor.js");
        _chart = _module.SetupModule("create", _ => true);
        _chart.SetupVoid("destroy").SetVoidResult();
    }

    private IRenderedComponent<ApexChart> RenderChart(ChartOptions options, Action<ComponentParameterCollectionBuilder<ApexChart>>? more = null)
    {
        _chart.SetupVoid("update", _ => true).SetVoidResult();
        return Render<ApexChart>(p =>
        {
            p.Add(c => c.Options, options);
            more?.Invoke(p);
        });
    }

    /// <summary>The chart as the server draws a page: rendered to HTML once, by a static renderer, with the server's services.</summary>
    private async Task<IDocument> DrawOnServerAsync(ChartOptions options)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(JSInterop.JSRuntime)
            .AddSingleton(ChartDrawing.FromCarriedOptions);
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<ApexChart>(ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(ApexChart.Options)] = options })))
                .ToHtmlString());
        return await new HtmlParser().ParseDocumentAsync(html);
    }

    private static IReadOnlyList<JSRuntimeInvocation> Calls(BunitJSInterop target, string identifier) =>
        target.Invocations.Identifiers.Contains(identifier) ? target.Invocations[identifier] : [];

    private static JsonElement Json(object? value) => JsonSerializer.SerializeToElement(value, Wire);

    [Fact]
    public async Task Drawn_on_the_server_the_element_carries_the_options_create_would_get_and_no_script_runs()
    {
        var chart = await DrawOnServerAsync(Traffic);

        var carried = JsonDocument.Parse(chart.QuerySelector(".apex-chart")!.GetAttribute("data-chart")!).RootElement;
        Assert.Equal(Json(Traffic).GetRawText(), carried.GetRawText());
        Assert.Equal("area", carried.GetProperty("kind").GetString(), ignoreCase: true);
        Assert.Equal("202.215.15.8", carried.GetProperty("series")[0].GetProperty("name").GetString());
        Assert.Empty(JSInterop.Invocations);
    }

    [Fact]
    public void Drawn_in_the_browser_the_element_carries_no_options()
    {
        var chart = RenderChart(Traffic);

        Assert.False(chart.Find(".apex-chart").HasAttribute("data-chart"));
        Assert.Single(Calls(_module, "create"));
    }

    [Fact]
    public void First_render_imports_the_module_beside_the_component_and_creates_the_chart()
    {
        RenderChart(Traffic);

        var create = Assert.Single(Calls(_module, "create"));
        var options = Json(create.Arguments[1]);
        Assert.Equal("Area", options.GetProperty("kind").GetString());
        Assert.True(options.GetProperty("stacked").GetBoolean());
        Assert.Equal(Start, options.GetProperty("xMin").GetInt64());
        Assert.Equal(Start + (10 * Minute), options.GetProperty("xMax").GetInt64());
        Assert.Equal("Count", options.GetProperty("yFormat").GetString());
        var series = options.GetProperty("series");
        Assert.Equal(["202.215.15.8", "other"], series.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("#d62728", series[0].GetProperty("color").GetString());
        var point = series[0].GetProperty("points")[1];
        Assert.Equal(Start + Minute, point.GetProperty("x").GetInt64());
        Assert.Equal(452, point.GetProperty("y").GetDouble());
        Assert.Equal(JsonValueKind.Null, series[1].GetProperty("points")[1].GetProperty("y").ValueKind);
        Assert.IsType<DotNetObjectReference<ApexChart>>(create.Arguments[2]);
    }

    [Fact]
    public void Annotations_are_passed_to_the_chart()
    {
        RenderChart(Traffic);

        var annotations = Json(Assert.Single(Calls(_module, "create")).Arguments[1]).GetProperty("annotations");
        Assert.Equal(2, annotations.GetArrayLength());
        Assert.Equal(Start + (90 * 1000), annotations[0].GetProperty("x").GetInt64());
        Assert.Equal("httpd", annotations[0].GetProperty("label").GetString());
        Assert.True(annotations[0].GetProperty("strong").GetBoolean());
        Assert.False(annotations[1].GetProperty("strong").GetBoolean());
    }

    [Fact]
    public void Changing_series_updates_the_chart_in_place()
    {
        var cut = RenderChart(Traffic);
        var series = new[] { new ChartSeries("202.215.15.8", [new(Start, 12), new(Start + Minute, 460)]) };

        cut.Render(p => p.Add(c => c.Options, Traffic with { Series = series }));

        Assert.Single(Calls(_module, "create"));
        Assert.Empty(Calls(_chart, "destroy"));
        var update = Assert.Single(Calls(_chart, "update"));
        Assert.Equal(460, Json(update.Arguments[0]).GetProperty("series")[0].GetProperty("points")[1].GetProperty("y").GetDouble());
        var changes = Json(update.Arguments[1]);
        Assert.True(changes.GetProperty("series").GetBoolean());
        Assert.False(changes.GetProperty("xRange").GetBoolean()); // so a user's zoom is kept
        Assert.False(changes.GetProperty("annotations").GetBoolean());
    }

    [Fact]
    public void Moving_the_x_range_updates_only_the_range()
    {
        var cut = RenderChart(Traffic);

        cut.Render(p => p.Add(c => c.Options, Traffic with { XMin = Start + Minute, XMax = Start + (5 * Minute) }));

        var update = Assert.Single(Calls(_chart, "update"));
        var changes = Json(update.Arguments[1]);
        Assert.True(changes.GetProperty("xRange").GetBoolean());
        Assert.False(changes.GetProperty("series").GetBoolean());
        Assert.Equal(Start + Minute, Json(update.Arguments[0]).GetProperty("xMin").GetInt64());
        Assert.Single(Calls(_module, "create"));
    }

    [Fact]
    public void New_annotations_are_updated_in_place()
    {
        var cut = RenderChart(Traffic);

        cut.Render(p => p.Add(c => c.Options, Traffic with { Annotations = [new XAnnotation(Start, "java", Strong: true)] }));

        var update = Assert.Single(Calls(_chart, "update"));
        Assert.True(Json(update.Arguments[1]).GetProperty("annotations").GetBoolean());
        Assert.Equal("java", Json(update.Arguments[0]).GetProperty("annotations")[0].GetProperty("label").GetString());
        Assert.Single(Calls(_module, "create"));
    }

    [Fact]
    public void Equal_options_in_a_new_instance_change_nothing()
    {
        var cut = RenderChart(Traffic);
        var copy = Traffic with
        {
            Series = [.. Traffic.Series.Select(s => s with { Points = [.. s.Points] })],
            Annotations = [.. Traffic.Annotations],
        };

        cut.Render(p => p.Add(c => c.Options, copy));

        Assert.Empty(Calls(_chart, "update"));
        Assert.Single(Calls(_module, "create"));
    }

    [Theory]
    [InlineData(nameof(ChartOptions.Kind))]
    [InlineData(nameof(ChartOptions.Stacked))]
    [InlineData(nameof(ChartOptions.Height))]
    [InlineData(nameof(ChartOptions.Dark))]
    [InlineData(nameof(ChartOptions.YFormat))]
    public void Changing_a_structural_option_draws_the_chart_anew(string option)
    {
        var cut = RenderChart(Traffic);
        var next = option switch
        {
            nameof(ChartOptions.Kind) => Traffic with { Kind = ChartKind.Line },
            nameof(ChartOptions.Stacked) => Traffic with { Stacked = false },
            nameof(ChartOptions.Height) => Traffic with { Height = 300 },
            nameof(ChartOptions.Dark) => Traffic with { Dark = true },
            _ => Traffic with { YFormat = ChartValueFormat.Percent },
        };

        cut.Render(p => p.Add(c => c.Options, next));

        Assert.Single(Calls(_chart, "destroy"));
        Assert.Equal(2, Calls(_module, "create").Count);
        Assert.Same(next, Calls(_module, "create")[1].Arguments[1]);
        Assert.Empty(Calls(_chart, "update"));
    }

    [Fact]
    public async Task Zooming_on_the_chart_raises_OnZoom_with_the_selected_range()
    {
        ChartZoom? zoom = null;
        var cut = RenderChart(Traffic, p => p.Add(c => c.OnZoom, z => zoom = z));
        var dotNet = (DotNetObjectReference<ApexChart>)Assert.Single(Calls(_module, "create")).Arguments[2]!;

        await cut.InvokeAsync(() => dotNet.Value.OnChartZoomed(Start + Minute, Start + (3 * Minute)));

        Assert.Equal(new ChartZoom(Start + Minute, Start + (3 * Minute)), zoom);
    }

    [Fact]
    public async Task Clicking_an_annotation_label_raises_OnAnnotationClick_with_that_annotation()
    {
        XAnnotation? clicked = null;
        var cut = RenderChart(Traffic, p => p.Add(c => c.OnAnnotationClick, a => clicked = a));
        var dotNet = (DotNetObjectReference<ApexChart>)Assert.Single(Calls(_module, "create")).Arguments[2]!;

        await cut.InvokeAsync(() => dotNet.Value.OnAnnotationClicked(0));

        Assert.Same(Traffic.Annotations[0], clicked);
    }

    [Fact]
    public async Task Disposing_destroys_the_chart()
    {
        RenderChart(Traffic);

        await DisposeComponentsAsync();

        Assert.Single(Calls(_chart, "destroy"));
    }

    [Fact]
    public void A_chart_ApexCharts_refuses_says_so_and_is_drawn_anew_with_the_next_options()
    {
        _chart.SetupVoid("update", _ => true).SetException(new JSException("ApexCharts refused the options"));
        var cut = Render<ApexChart>(p => p.Add(c => c.Options, Traffic));

        cut.Render(p => p.Add(c => c.Options, Traffic with { XMin = Start + Minute }));

        cut.Find("[role=alert]");
        Assert.Single(Calls(_chart, "destroy"));

        cut.Render(p => p.Add(c => c.Options, Traffic with { XMin = Start + (2 * Minute) }));

        Assert.Equal(2, Calls(_module, "create").Count);
        Assert.Empty(cut.FindAll("[role=alert]"));
    }
}
