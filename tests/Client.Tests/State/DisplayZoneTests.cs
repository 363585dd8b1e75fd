using Dashboard.Client.State;

namespace Dashboard.Client.Tests.State;

public sealed class DisplayZoneTests
{
    [Fact]
    public void Charts_get_the_wall_clock_of_the_zone_and_selections_come_back_as_the_same_instant()
    {
        var tokyo = DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc);
        var kill = new DateTimeOffset(2015, 8, 17, 3, 31, 33, TimeSpan.Zero);

        var millis = tokyo.ToChartMillis(kill);

        Assert.Equal(new DateTimeOffset(2015, 8, 17, 12, 31, 33, TimeSpan.Zero).ToUnixTimeMilliseconds(), millis);
        Assert.Equal(kill, tokyo.FromChartMillis(millis));
        Assert.Equal("2015-08-17 12:31:33", tokyo.Format(kill));
    }

    [Fact]
    public void Summer_and_winter_times_of_a_zone_with_daylight_saving_come_back_exactly()
    {
        var newYork = DisplayZone.For(ZoneMode.Host, "America/New_York", TimeZoneInfo.Utc);
        DateTimeOffset[] moments = [new(2015, 8, 17, 3, 0, 0, TimeSpan.Zero), new(2015, 1, 17, 3, 0, 0, TimeSpan.Zero)];

        Assert.All(moments, m => Assert.Equal(m, newYork.FromChartMillis(newYork.ToChartMillis(m))));
    }

    [Fact]
    public void A_host_zone_nobody_knows_shows_utc()
    {
        Assert.Equal("UTC", DisplayZone.For(ZoneMode.Host, "Mars/Base", TimeZoneInfo.Utc).Label);
        Assert.Equal("UTC", DisplayZone.For(ZoneMode.Host, null, TimeZoneInfo.Utc).Label);
    }

    [Fact]
    public void A_typed_local_time_is_read_in_the_zone()
    {
        var tokyo = DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc);

        Assert.Equal(new DateTimeOffset(2015, 8, 17, 3, 10, 0, TimeSpan.Zero), tokyo.ParseInput("2015-08-17T12:10")!.Value.ToUniversalTime());
        Assert.Null(tokyo.ParseInput("tomorrow"));
    }
}
