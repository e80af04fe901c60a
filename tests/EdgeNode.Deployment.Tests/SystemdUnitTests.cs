using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary><c>systemd-analyze verify</c> on deploy/systemd/edgenode.service, in a scratch root laid out like a board.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string Unit = Path.Combine(RepoPaths.Root, "deploy", "systemd", "edgenode.service");

    [Fact]
    public async Task Unit_SystemdAnalyzeVerify_IsClean()
    {
        var result = await VerifyAsync(await File.ReadAllTextAsync(Unit));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(string.Empty, result.Stderr.Trim());
    }

    [Fact]
    public async Task Unit_MisspelledDirective_FailsVerify()
    {
        var broken = (await File.ReadAllTextAsync(Unit)).Replace("Type=notify", "Type=notfy", StringComparison.Ordinal);

        var result = await VerifyAsync(broken);

        Assert.Contains("notfy", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unit_NotifyWatchdogUserAndHardening_ArePresent()
    {
        var text = await File.ReadAllTextAsync(Unit);

        foreach (var line in new[]
        {
            "Type=notify", "WatchdogSec=", "User=edgenode", "SupplementaryGroups=video gpio i2c", "StateDirectory=edgenode",
            "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes", "ExecStart=/opt/edgenode/current/edgenode",
        })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// verify resolves ExecStart= and the targets the unit names, so it runs against a root holding the
    /// system's units, the unit under test and an executable at /opt/edgenode/current/edgenode.
    /// </summary>
    private static async Task<ScriptResult> VerifyAsync(string unitText)
    {
        var analyze = Tool.Require("systemd-analyze", "systemd");
        using var root = new TempDirectory();
        var systemUnits = Directory.Exists("/usr/lib/systemd/system") ? "/usr/lib/systemd/system" : "/lib/systemd/system";
        CopyDirectory(systemUnits, Path.Combine(root.Path, "usr", "lib", "systemd", "system"));
        var etc = Directory.CreateDirectory(Path.Combine(root.Path, "etc", "systemd", "system")).FullName;
        await File.WriteAllTextAsync(Path.Combine(etc, "edgenode.service"), unitText);
        var bin = Directory.CreateDirectory(Path.Combine(root.Path, "opt", "edgenode", "current")).FullName;
        var exe = Path.Combine(bin, "edgenode");
        await File.WriteAllTextAsync(exe, "#!/bin/sh\n");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        return await Script.RunAsync(analyze, ["verify", "--root=" + root.Path, "edgenode.service"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["SYSTEMD_LOG_COLOR"] = "0" });
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo directory)
            {
                CopyDirectory(directory.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }
}
