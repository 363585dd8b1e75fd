using System.Text.RegularExpressions;
using Dashboard.Client.Alerts;
using Dashboard.Client.State;
using static Dashboard.Client.Tests.Alerts.DemoAlerts;

namespace Dashboard.Client.Tests.Alerts;

/// <summary>Beside the memory events: who each memory or OOM-kill alert suspects, and why.</summary>
public sealed class AlertSuspectsTests : BunitContext
{
    [Fact]
    public void Each_memory_alert_names_its_suspects_with_their_evidence_and_links_to_them()
    {
        var list = Render<AlertSuspects>(p => p
            .Add(s => s.Alerts, [Shape(), Kills(), Memory()])
            .Add(s => s.View, ViewState.Parse("host=hoge&tz=host"))
            .Add(s => s.Zone, DisplayZone.For(ZoneMode.Host, "Asia/Tokyo", TimeZoneInfo.Utc)));

        var explained = list.FindAll(".explained");
        Assert.Equal(["08-17 12:21:30 memory running out", "08-17 12:31:33 OOM kills"],
            explained.Select(e => Regex.Replace(e.QuerySelector(".what")!.TextContent, @"\s+", " ").Trim()));
        var suspect = explained[0].QuerySelector("li")!;
        Assert.Equal("ips/202.215.15.8?host=hoge&tz=host", suspect.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("rose 21 min before memory fell, 100% HEAD→206, no user agent", suspect.TextContent, StringComparison.Ordinal);
    }
}
