using System.Diagnostics;
using Dashboard.Ship.Tests.Infrastructure;

namespace Dashboard.Ship.Tests;

/// <summary>The legacy userlands the theories run aid-ship under are what they say: their bash and curl come first on PATH.</summary>
public sealed class UserlandTests
{
    public static TheoryData<string> Legacy => [Userland.CentOs6.Name, Userland.CentOs7.Name];

    [Theory]
    [MemberData(nameof(Legacy))]
    public async Task A_script_started_by_env_bash_runs_the_userland_s_bash_and_curl(string name)
    {
        var userland = Userland.Named(name);
        var start = new ProcessStartInfo("/usr/bin/env", ["bash", "-c", "printf '%s\\n' \"$BASH_VERSION\"; curl --version"]);
        userland.Apply(start);

        var output = (await Processes.RunAsync(start)).Stdout;

        Assert.StartsWith(userland.BashVersion + "(", output, StringComparison.Ordinal);
        Assert.Contains($"\ncurl {userland.CurlVersion}", output, StringComparison.Ordinal);
    }
}
