namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The programs a test runs for real (syslog-ng, collectd). test.sh installs them (scripts/prerequisites.sh);
/// a machine without them fails the test saying what to install, rather than passing it by skipping.
/// </summary>
public static class InstalledPrograms
{
    public static void Require(string install, params string[] files)
    {
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            Assert.Fail($"{missing} is missing: install it (apt-get install -y {install}), as test.sh does");
        }
    }
}
