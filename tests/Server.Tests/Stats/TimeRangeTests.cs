using Dashboard.Server.Stats;
using Dashboard.Shared;
using Microsoft.AspNetCore.WebUtilities;

namespace Dashboard.Server.Tests.Stats;

/// <summary>
/// The range as the browser writes it into a read endpoint's query string (<see cref="TimeRange.ToQuery"/>) is
/// the range the server reads back from it: to the tick, in the offset it was written in, at the same host.
/// </summary>
public sealed class TimeRangeTests
{
    private static readonly DateTimeOffset Now = new(2015, 8, 17, 4, 0, 0, TimeSpan.Zero);

    public static TheoryData<TimeRange> Ranges => new()
    {
        new TimeRange(new(2015, 8, 17, 3, 0, 0, TimeSpan.Zero), new(2015, 8, 17, 4, 0, 0, TimeSpan.Zero)),
        new TimeRange(new(2015, 8, 17, 11, 50, 0, TimeSpan.FromHours(9)), new(2015, 8, 17, 12, 50, 0, TimeSpan.FromHours(9)), "hoge"),
        new TimeRange(new(2015, 8, 16, 23, 0, 0, TimeSpan.FromHours(-4)), new(2015, 8, 17, 3, 30, 0, TimeSpan.FromHours(5.5)), "web 1&tz=utc+x/ä"),
        // A zoom on a chart: milliseconds, and the sliver of a tick a preset's "now" carries.
        new TimeRange(new DateTimeOffset(2015, 8, 17, 3, 10, 0, TimeSpan.Zero).AddTicks(1_234_567), new DateTimeOffset(2015, 8, 17, 3, 20, 0, TimeSpan.Zero).AddTicks(1)),
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void A_range_written_into_a_query_string_is_read_back_the_same(TimeRange range)
    {
        var read = Read(range.ToQuery());

        Assert.Equal(range, read);
        Assert.Equal((range.From.Offset, range.To.Offset), (read.From.Offset, read.To.Offset));
    }

    [Fact]
    public void Whole_seconds_are_written_without_a_fraction()
    {
        var range = new TimeRange(new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9)), new(2015, 8, 17, 13, 0, 0, TimeSpan.FromHours(9)));

        Assert.Equal("from=2015-08-17T12%3A00%3A00%2B09%3A00&to=2015-08-17T13%3A00%3A00%2B09%3A00", range.ToQuery());
    }

    [Fact]
    public void Without_to_the_range_ends_now_and_without_from_it_starts_an_hour_before_its_end()
    {
        Assert.Equal(new TimeRange(Now.AddHours(-1), Now), Read(""));
        Assert.Equal(new TimeRange(Now.AddHours(-3), Now.AddHours(-2), "hoge"), Read("to=2015-08-17T02:00:00Z&host=hoge"));
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2015-08-17T03:00:00Z&to=2015-08-17T04:00:00", "to")]
    public void A_time_without_an_offset_or_not_a_time_at_all_is_refused_by_name(string query, string refused)
    {
        Assert.False(Query(query).TryRead(Now, out _, out var errors));

        Assert.Equal([refused], errors.Keys);
    }

    private static TimeRange Read(string query)
    {
        Assert.True(Query(query).TryRead(Now, out var range, out var errors), errors is null ? null : string.Join("; ", errors.Keys));
        return range;
    }

    // As ASP.NET Core binds [AsParameters] RangeQuery from the request's query string.
    private static RangeQuery Query(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Value(string name) => values.TryGetValue(name, out var value) ? value.ToString() : null;
        return new RangeQuery(Value("from"), Value("to"), Value("host"));
    }
}
