using System.Diagnostics;

namespace Dashboard.Ship.Tests.Infrastructure;

/// <summary>
/// The bash and curl a shipper runs with: this machine's own, or those of CentOS 6 (bash 4.1.11, curl 7.19.7) or
/// CentOS 7 (bash 4.2.45, curl 7.29.0), real builds in <c>../shared/legacy/</c> beside the repository (as in CI),
/// put first on PATH so that <c>#!/usr/bin/env bash</c> and every <c>curl</c> the script runs are theirs.
/// </summary>
public sealed class Userland
{
    public static readonly Userland Machine = new("machine", null, null);
    public static readonly Userland CentOs6 = new("centos6", "4.1.11", "7.19.7");
    public static readonly Userland CentOs7 = new("centos7", "4.2.45", "7.28.2"); // the curl-7_29_0 tag's code stamps itself 7.28.2-DEV

    private Userland(string name, string? bashVersion, string? curlVersion)
    {
        Name = name;
        BashVersion = bashVersion;
        CurlVersion = curlVersion;
    }

    public string Name { get; }

    /// <summary>What <c>$BASH_VERSION</c> starts with, and what <c>curl --version</c> says, under a legacy userland.</summary>
    public string? BashVersion { get; }
    public string? CurlVersion { get; }

    /// <summary>For theories: every userland by name.</summary>
    public static TheoryData<string> Names => [Machine.Name, CentOs6.Name, CentOs7.Name];

    public static Userland Named(string name) =>
        new[] { Machine, CentOs6, CentOs7 }.SingleOrDefault(u => u.Name == name) ?? throw new ArgumentException($"no userland {name}", nameof(name));

    /// <summary>The folder of its bash and curl, or null for the machine's own.</summary>
    public string? Folder => BashVersion is null ? null : Path.Combine(LegacyRoot, Name);

    /// <summary>The bash that runs a script given to it (<c>bash aid-ship …</c>, as the README says to).</summary>
    public string Bash
    {
        get
        {
            if (Folder is not { } folder)
            {
                return "bash";
            }
            var bash = Path.Combine(folder, "bash");
            Assert.True(File.Exists(bash), $"{bash} is missing: ../shared/legacy/ must be beside the repository (see its README)");
            return bash;
        }
    }

    /// <summary>Puts its folder first on the PATH of <paramref name="start"/> (whatever PATH it already has).</summary>
    public void Apply(ProcessStartInfo start)
    {
        if (Folder is { } folder)
        {
            start.Environment["PATH"] = folder + ":" + (start.Environment.TryGetValue("PATH", out var path) ? path : "/usr/bin:/bin");
        }
    }

    public override string ToString() => Name;

    private static string LegacyRoot { get; } = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "legacy"));
}
