using System.Formats.Tar;
using System.IO.Compression;
using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>scripts/make-seed.sh writes a NoCloud seed that <c>cloud-init schema</c> accepts.</summary>
[Collection(Arm64PublishGroup.Name)]
public sealed class CloudInitSeedTests(Arm64PublishFixture publish)
{
    private static readonly string Sha = new('a', 64);

    [Fact]
    public async Task Seed_WithReleaseUrl_ValidatesWithCloudInitSchema()
    {
        using var temp = new TempDirectory();
        var key = temp.File("admin.pub");
        await File.WriteAllTextAsync(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForSchemaOnly0000000000000000000000 admin@example\n");
        var env = temp.File("site.env");
        await File.WriteAllTextAsync(env, "# broker\nEdgeNode__Mqtt__Host=gateway.local\nEdgeNode__Mqtt__EmbeddedBroker=false\nEdgeNode__NodeId=ignored\n");
        var seed = temp.File("seed");

        var result = await Script.RunAsync(Script.Path("make-seed.sh"),
            ["--node-id", "pi-kitchen", "-o", seed, "--release-url", "https://releases.example.com/edgenode-1.2.0-linux-arm64.tar.gz", "--sha256", Sha,
             "--version", "1.2.0", "--env", env, "--ssh-key", key], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Output);

        await AssertSchemaValidAsync(Path.Combine(seed, "user-data"));
        var userData = await File.ReadAllTextAsync(Path.Combine(seed, "user-data"));
        Assert.Contains("EdgeNode__NodeId=pi-kitchen", userData, StringComparison.Ordinal);
        Assert.DoesNotContain("ignored", userData, StringComparison.Ordinal);
        Assert.Contains("EdgeNode__Mqtt__Host=gateway.local", userData, StringComparison.Ordinal);
        Assert.Contains("edgenode-release.sh activate 1.2.0", userData, StringComparison.Ordinal);
        Assert.Contains("instance-id: edgenode-pi-kitchen-1.2.0", await File.ReadAllTextAsync(Path.Combine(seed, "meta-data")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_BundledArm64Release_HoldsPublishUnitAndReleaseScript()
    {
        using var temp = new TempDirectory();
        var seed = temp.File("seed");

        var result = await Script.RunAsync(Script.Path("make-seed.sh"),
            ["--node-id", "pi-2", "-o", seed, "--publish-dir", publish.Directory, "--version", "1.2.0"], TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);

        await AssertSchemaValidAsync(Path.Combine(seed, "user-data"));
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using (var gz = new GZipStream(File.OpenRead(Path.Combine(seed, "edgenode-1.2.0-linux-arm64.tar.gz")), CompressionMode.Decompress))
        {
            using var tar = new TarReader(gz);
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name.TrimStart('.', '/'));
            }
        }

        Assert.Contains("edgenode", names);
        Assert.Contains("libonnxruntime.so", names);
        Assert.Contains("models/ResNet18.onnx", names);
        Assert.Contains("edgenode.service", names);
        Assert.Contains("edgenode-release.sh", names);
    }

    [Theory]
    [InlineData("--node-id", "Pi_1", "-o", "x")]
    [InlineData("--node-id", "pi-1", "-o", "x", "--release-url", "https://e.com/a.tgz")]
    [InlineData("--node-id", "pi-1", "-o", "x", "--release-url", "https://e.com/$(id)", "--sha256", "0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Seed_BadArguments_ExitUsageAndWriteNothing(params string[] arguments)
    {
        using var temp = new TempDirectory();
        var result = await Script.RunAsync(Script.Path("make-seed.sh"), arguments, TimeSpan.FromMinutes(1), workingDirectory: temp.Path);

        Assert.Equal(64, result.ExitCode);
        Assert.False(Directory.Exists(temp.File("x")));
    }

    [Fact]
    public async Task Schema_InvalidCloudConfig_IsRejected()
    {
        using var temp = new TempDirectory();
        var file = temp.File("user-data");
        await File.WriteAllTextAsync(file, "#cloud-config\npackages: 5\nruncmd: {a: 1}\n");

        var result = await Script.RunAsync(Tool.Require("cloud-init", "cloud-init"), ["schema", "-c", file], TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, result.ExitCode);
    }

    private static async Task AssertSchemaValidAsync(string userData)
    {
        var result = await Script.RunAsync(Tool.Require("cloud-init", "cloud-init"), ["schema", "-c", userData], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("Valid cloud-config", result.Output, StringComparison.Ordinal);
    }
}
