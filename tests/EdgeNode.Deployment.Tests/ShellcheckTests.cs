using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>Every shell script in scripts/ is shellcheck clean.</summary>
public sealed class ShellcheckTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "scripts"), "*.sh").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_Shellcheck_ReportsNothing(string name)
    {
        var shellcheck = Tool.Require("shellcheck", "shellcheck");
        var result = await Script.RunAsync(shellcheck, ["--external-sources", "--severity=style", Script.Path(name)], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Shellcheck_BrokenScript_IsReported()
    {
        var shellcheck = Tool.Require("shellcheck", "shellcheck");
        using var temp = new TempDirectory();
        var script = temp.File("broken.sh");
        await File.WriteAllTextAsync(script, "#!/usr/bin/env bash\nrm -rf $1/*\n");

        var result = await Script.RunAsync(shellcheck, ["--severity=style", script], TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SC2086", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripts_AreExecutable()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "scripts"), "*.sh"))
        {
            Assert.True((File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0, file + " is not executable");
        }
    }
}
