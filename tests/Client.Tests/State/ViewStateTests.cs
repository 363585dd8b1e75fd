using Dashboard.Client.State;

namespace Dashboard.Client.Tests.State;

public sealed class ViewStateTests
{
    private static readonly DateTimeOffset Now = new(2015, 8, 17, 3, 40, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("")]
    [InlineData("range=15m")]
    [InlineData("host=hoge&range=24h&tz=host&live=1")]
    [InlineData("host=hoge&from=2015-08-17T11%3A50%3A00%2B09%3A00&to=2015-08-17T12%3A50%3A00%2B09%3A00&tz=utc")]
    public void A_view_survives_its_own_link(string query)
    {
        var state = ViewState.Parse(query);

        Assert.Equal(state, ViewState.Parse(state.ToQuery()));
    }

    [Fact]
    public void The_demo_link_opens_an_absolute_range_on_one_host_in_its_zone()
    {
        var state = ViewState.Parse("?host=hoge&from=2015-08-17T11:50:00%2B09:00&to=2015-08-17T12:50:00%2B09:00&tz=host");

        Assert.Equal((null, "hoge", ZoneMode.Host, false), (state.Preset, state.Host, state.Zone, state.Live));
        Assert.Equal(
            (new DateTimeOffset(2015, 8, 17, 2, 50, 0, TimeSpan.Zero), new DateTimeOffset(2015, 8, 17, 3, 50, 0, TimeSpan.Zero)),
            state.Resolve(Now));
    }

    [Fact]
    public void A_plus_pasted_unencoded_into_an_offset_still_reads_as_a_plus()
    {
        var state = ViewState.Parse("from=2015-08-17T11:50:00+09:00&to=2015-08-17T12:50:00+09:00");

        Assert.Equal(new DateTimeOffset(2015, 8, 17, 2, 50, 0, TimeSpan.Zero), state.Resolve(Now).From);
    }

    [Theory]
    [InlineData("range=3w")]
    [InlineData("from=yesterday&to=today")]
    [InlineData("from=2015-08-17T13:00:00Z&to=2015-08-17T12:00:00Z")]
    public void Nonsense_falls_back_to_the_last_hour(string query)
    {
        var state = ViewState.Parse(query);

        Assert.Equal("1h", state.Preset);
        Assert.Equal((Now.AddHours(-1), Now), state.Resolve(Now));
    }

    [Fact]
    public void A_preset_ends_now_and_a_zoom_makes_it_absolute()
    {
        var state = ViewState.Parse("range=6h&live=1");
        Assert.Equal((Now.AddHours(-6), Now), state.Resolve(Now));

        var zoomed = state.WithRange(Now.AddHours(-2), Now.AddHours(-1));

        Assert.True(zoomed.IsAbsolute);
        Assert.Contains("from=", zoomed.ToQuery(), StringComparison.Ordinal);
        Assert.DoesNotContain("range=", zoomed.ToQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public void Centring_on_an_event_keeps_the_span()
    {
        var state = ViewState.Parse("range=1h");
        var kill = new DateTimeOffset(2015, 8, 17, 3, 31, 33, TimeSpan.Zero);

        var (from, to) = state.CentredOn(kill, Now).Resolve(Now);

        Assert.Equal((kill.AddMinutes(-30), kill.AddMinutes(30)), (from, to));
    }

    [Fact]
    public void The_api_query_carries_the_resolved_range_and_host()
    {
        var query = ViewState.Parse("host=hoge&range=15m").Range(Now).ToQuery();

        Assert.Equal("from=2015-08-17T03%3A25%3A00%2B00%3A00&to=2015-08-17T03%3A40%3A00%2B00%3A00&host=hoge", query);
    }
}
