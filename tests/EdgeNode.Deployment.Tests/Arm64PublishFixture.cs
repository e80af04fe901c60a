using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// One <c>scripts/publish.sh linux-arm64</c> per test run (the slow part of this suite), shared by the
/// tests that run it under qemu. The output folder is the one scripts/deploy.sh and the Dockerfile use.
/// </summary>
public sealed class Arm64PublishFixture : IAsyncLifetime
{
    /// <summary>The linux-arm64 publish folder.</summary>
    public string Directory { get; } = Path.Combine(RepoPaths.Root, "artifacts", "test", "publish", "linux-arm64");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var result = await Script.RunAsync(Script.Path("publish.sh"), ["linux-arm64", Directory], TimeSpan.FromMinutes(15));
        Assert.True(result.ExitCode == 0, "publish.sh linux-arm64 failed:\n" + result.Output);
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}
