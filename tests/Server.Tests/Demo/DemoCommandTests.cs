using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Web;
using Dashboard.Shared;

namespace Dashboard.Server.Tests.Demo;

/// <summary>The <c>demo</c> command run as a user runs it: it serves, loads the incident into itself and prints the link.</summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private readonly TempFolder _data = new();

    [Fact]
    public async Task Demo_prints_the_overview_link_and_serves_the_incident_behind_it()
    {
        await using var server = await ServerProcess.StartServerAsync(_data.Path, "demo");

        var link = (await server.WaitForOutputAsync(LinkLine())).Groups[1].Value;

        Assert.Equal($"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}/?host=hoge&from=2015-08-17T11:50:00%2B09:00&to=2015-08-17T12:50:00%2B09:00&tz=host", link);
        var reader = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "add-reader", "demo test");
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader.Stdout.Trim());
        var query = HttpUtility.ParseQueryString(new Uri(link).Query);
        var range = $"host={query["host"]}&from={Uri.EscapeDataString(query["from"]!)}&to={Uri.EscapeDataString(query["to"]!)}";
        var traffic = await client.GetFromJsonAsync<TrafficResponse>(new Uri($"/api/v1/traffic?{range}", UriKind.Relative));
        var events = await client.GetFromJsonAsync<List<HostEventItem>>(new Uri($"/api/v1/events?{range}", UriKind.Relative));
        var attack = await client.GetFromJsonAsync<IpDetail>(
            new Uri("/api/v1/ips/202.215.15.8?host=hoge&from=2015-08-17T12:10:00%2B09:00&to=2015-08-17T12:20:00%2B09:00", UriKind.Relative));
        Assert.Equal("202.215.15.8", traffic!.Series[0].Ip);
        Assert.Equal(10, events!.Count(e => e.Kind == "oom-kill"));
        Assert.Equal(452, attack!.Requests);
        Assert.Single(server.Output.Split('\n'), line => line.StartsWith("Demo incident", StringComparison.Ordinal));
        Assert.Equal(0, await server.StopAsync());
    }

    [Fact]
    public async Task Demo_live_prints_the_live_link_with_the_history_already_in_and_stops_cleanly()
    {
        await using var server = await ServerProcess.StartServerAsync(_data.Path, "demo", "--live");

        var link = (await server.WaitForOutputAsync(LiveLinkLine())).Groups[1].Value;

        Assert.Equal($"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}/?host=hoge&range=15m&live=1&tz=host", link);
        var reader = await ServerProcess.RunCommandAsync(_data.Path, "tokens", "add-reader", "demo test");
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader.Stdout.Trim());
        var now = DateTimeOffset.UtcNow;
        var range = $"host=hoge&from={Uri.EscapeDataString(now.AddMinutes(-15).ToString("O"))}&to={Uri.EscapeDataString(now.AddMinutes(1).ToString("O"))}";
        var traffic = await client.GetFromJsonAsync<TrafficResponse>(new Uri($"/api/v1/traffic?{range}", UriKind.Relative));
        var events = await client.GetFromJsonAsync<List<HostEventItem>>(new Uri($"/api/v1/events?{range}", UriKind.Relative));
        Assert.True(traffic!.Total.Sum() > 100, $"{traffic.Total.Sum()} requests in the quarter of an hour before the replay");
        Assert.DoesNotContain(traffic.Series, s => s.Ip == "202.215.15.8");
        Assert.Empty(events!);
        Assert.Equal(0, await server.StopAsync());
    }

    [GeneratedRegex(@"^Demo incident loaded: open (\S+)$")]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"^Demo incident replaying live: open (\S+)$")]
    private static partial Regex LiveLinkLine();

    public void Dispose() => _data.Dispose();
}
