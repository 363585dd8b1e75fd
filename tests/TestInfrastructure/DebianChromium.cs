namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, which Playwright drives instead of a browser of its own (never <c>playwright install</c>):
/// where it is and how it is started, headless on a machine without a GPU or a sandbox.
/// </summary>
public static class DebianChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Fails saying what to install when it is missing.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install it: apt-get install -y chromium");
        }
    }
}
