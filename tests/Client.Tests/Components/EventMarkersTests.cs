using Dashboard.Client.Components;
using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Tests.Components;

public sealed class EventMarkersTests
{
    private static readonly DateTimeOffset From = new(2015, 8, 17, 2, 50, 0, TimeSpan.Zero);

    private static HostEventItem Event(int minute, int second, string kind, string process, int pid) =>
        new("hoge", From.AddMinutes(minute).AddSeconds(second), kind, pid, process, null, null, null, "raw line");

    [Fact]
    public void Kills_close_together_stack_their_labels_and_a_later_one_starts_again_at_the_top()
    {
        HostEventItem[] events =
        [
            Event(41, 33, "oom-kill", "java", 2847), Event(41, 38, "oom-kill", "httpd", 12589),
            Event(42, 7, "oom-invoked", "httpd", 12711), Event(42, 7, "oom-kill", "httpd", 12613),
            Event(55, 0, "oom-kill", "httpd", 13000),
        ];

        var markers = EventMarkers.For(events, DisplayZone.Utc, severalHosts: false, From, From.AddHours(1));

        Assert.Equal([("java 2847", 0), ("httpd 12589", 1), ("", (int?)null), ("httpd 12613", 2), ("httpd 13000", 0)],
            markers.Select(m => (m.Label, m.LabelRow)).ToArray());
        Assert.Equal([true, true, false, true, true], markers.Select(m => m.Strong));
    }

    [Fact]
    public void With_several_hosts_a_label_names_the_host()
    {
        Assert.Equal("httpd 12921 @ hoge", EventMarkers.Label(Event(0, 0, "oom-kill", "httpd", 12921), severalHosts: true));
    }
}
