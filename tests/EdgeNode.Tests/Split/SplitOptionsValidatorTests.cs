using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Split;
using EdgeNode.Testing;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Split;

/// <summary>The split options' rules: secure by default (loopback unless mutual TLS), each failure naming its key.</summary>
public sealed class SplitOptionsValidatorTests
{
    [Theory]
    [InlineData("http://0.0.0.0:50051")]
    [InlineData("http://*:50051")]
    [InlineData("http://192.168.1.20:50051")]
    [InlineData("https://0.0.0.0:50051")]
    public void Tail_BeyondLoopbackWithoutClientCertificates_IsRefusedNamingListen(string listen)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("split.json"), "{}");
        var result = Validate(new SplitOptions { Role = "tail", Cut = dir.Path, Listen = listen });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("EdgeNode:Split:Listen (EdgeNode__Split__Listen)", StringComparison.Ordinal) && f.Contains("EdgeNode__Mqtt__Tls__CertFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Tail_OnLoopback_IsAccepted()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("split.json"), "{}");
        Assert.True(Validate(new SplitOptions { Role = "tail", Cut = dir.Path, Listen = "http://127.0.0.1:50051" }).Succeeded);
    }

    [Fact]
    public void Tail_BeyondLoopbackWithMutualTls_IsAccepted()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("split.json"), "{}");
        var mqtt = new MqttOptions { Tls = new MqttTlsOptions { CaFile = "ca.pem", CertFile = "node.pem", KeyFile = "node.key" } };
        Assert.True(Validate(new SplitOptions { Role = "tail", Cut = dir.Path, Listen = "https://0.0.0.0:50051" }, mqtt).Succeeded);
    }

    [Theory]
    [InlineData("", "EdgeNode:Split:Peer (EdgeNode__Split__Peer)")]
    [InlineData("tail-board:50051", "EdgeNode:Split:Peer (EdgeNode__Split__Peer)")]
    [InlineData("https://tail-board:50051", "EdgeNode__Mqtt__Tls__CaFile")]
    public void Head_WithABadPeer_IsRefusedNamingTheKey(string peer, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("split.json"), "{}");
        var result = Validate(new SplitOptions { Role = "head", Cut = dir.Path, Peer = peer });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Head_WithoutACut_IsRefusedNamingCut()
    {
        var result = Validate(new SplitOptions { Role = "head", Peer = "auto", Cut = "/nonexistent/cut" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("EdgeNode:Split:Cut (EdgeNode__Split__Cut)", StringComparison.Ordinal));
    }

    [Fact]
    public void Fallback_OtherThanLocalOrCached_IsRefusedNamingTheKey()
    {
        var result = new SectionValidator<SplitOptions>(SplitOptions.Section).Validate(null, new SplitOptions { Role = "head", Fallback = "stale" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("EdgeNode__Split__Fallback", StringComparison.Ordinal) && f.Contains("local or cached", StringComparison.Ordinal));
        Assert.True(new SectionValidator<SplitOptions>(SplitOptions.Section).Validate(null, new SplitOptions { Role = "head", Fallback = "cached" }).Succeeded);
    }

    [Fact]
    public void RoleNone_NeedsNothing() => Assert.True(Validate(new SplitOptions()).Succeeded);

    private static ValidateOptionsResult Validate(SplitOptions options, MqttOptions? mqtt = null) =>
        new SplitOptionsValidator(Options.Create(mqtt ?? new MqttOptions())).Validate(null, options);
}
