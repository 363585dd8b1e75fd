namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// A test that runs a program the machine may not have: skipped, saying what to install, when a file is
/// missing. test.sh installs them (scripts/prerequisites.sh), except syslog-ng where rsyslog would be replaced.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InstalledFactAttribute : FactAttribute
{
    public InstalledFactAttribute(params string[] files)
    {
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            Skip = $"{missing} is not installed (see scripts/prerequisites.sh)";
        }
    }
}
