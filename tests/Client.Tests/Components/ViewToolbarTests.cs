using Dashboard.Client.Components;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Tests.Components;

/// <summary>The time-range picker and its neighbours: every choice becomes a new view (and so a new URL).</summary>
public sealed class ViewToolbarTests : BunitContext
{
    private static readonly DateTimeOffset From = new(2015, 8, 17, 2, 50, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2015, 8, 17, 3, 50, 0, TimeSpan.Zero);
    private static readonly List<HostInfo> Hosts = [new("hoge", "Asia/Tokyo", "combined", null), new("web2", "UTC", "combined", null)];

    private ViewState? _changed;

    private IRenderedComponent<ViewToolbar> RenderToolbar(ViewState state) => Render<ViewToolbar>(p => p
        .Add(t => t.State, state)
        .Add(t => t.Hosts, Hosts)
        .Add(t => t.Zone, DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc))
        .Add(t => t.From, From)
        .Add(t => t.To, To)
        .Add(t => t.OnChange, (ViewState s) => _changed = s));

    [Fact]
    public void A_preset_replaces_an_absolute_range()
    {
        var toolbar = RenderToolbar(ViewState.Default.WithRange(From, To));

        toolbar.FindAll("button").Single(b => b.TextContent == "6h").Click();

        Assert.Equal("6h", _changed!.Preset);
        Assert.False(_changed.IsAbsolute);
    }

    [Fact]
    public void The_current_preset_is_marked()
    {
        var toolbar = RenderToolbar(ViewState.Default.WithPreset("24h"));

        Assert.Equal(["24h"], toolbar.FindAll("button.active").Select(b => b.TextContent));
    }

    [Fact]
    public void A_typed_start_is_read_in_the_display_zone_and_keeps_the_end()
    {
        var toolbar = RenderToolbar(ViewState.Default);

        toolbar.FindAll("input[type=datetime-local]")[0].Change("2015-08-17T12:10");

        Assert.Equal((new DateTimeOffset(2015, 8, 17, 3, 10, 0, TimeSpan.Zero), To), (_changed!.From!.Value.ToUniversalTime(), _changed.To!.Value));
    }

    [Fact]
    public void A_start_after_the_end_is_ignored()
    {
        var toolbar = RenderToolbar(ViewState.Default);

        toolbar.FindAll("input[type=datetime-local]")[0].Change("2015-08-17T13:30");

        Assert.Null(_changed);
    }

    [Fact]
    public void The_inputs_show_the_range_in_the_display_zone()
    {
        var toolbar = RenderToolbar(ViewState.Default);

        Assert.Equal(["2015-08-17T11:50", "2015-08-17T12:50"], toolbar.FindAll("input[type=datetime-local]").Select(i => i.GetAttribute("value")));
    }

    [Fact]
    public void Host_zone_and_live_change_the_view()
    {
        var toolbar = RenderToolbar(ViewState.Default);

        toolbar.FindAll("select")[0].Change("hoge");
        Assert.Equal("hoge", _changed!.Host);
        toolbar.FindAll("select")[1].Change("Utc");
        Assert.Equal(ZoneMode.Utc, _changed!.Zone);
        toolbar.Find("input[type=checkbox]").Change(true);
        Assert.True(_changed!.Live);
    }
}
