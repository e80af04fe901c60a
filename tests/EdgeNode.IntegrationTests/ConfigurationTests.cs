using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>Invalid configuration fails fast with one message naming the key, and a non-zero exit.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("EdgeNode__Mqtt__Port", "70000", "EdgeNode:Mqtt:Port")]
    [InlineData("EdgeNode__Mqtt__Port", "not-a-port", "EdgeNode:Mqtt:Port")]
    [InlineData("EdgeNode__NodeId", "bad/id", "EdgeNode:NodeId")]
    [InlineData("EdgeNode__NodeId", "fleet", "EdgeNode:NodeId")]
    [InlineData("EdgeNode__Mqtt__EmbeddedBroker", "maybe", "EdgeNode:Mqtt:EmbeddedBroker")]
    [InlineData("EdgeNode__Storage__Path", "", "EdgeNode:Storage:Path")]
    [InlineData("EdgeNode__Mqtt__Convention", "mqtt5", "EdgeNode:Mqtt:Convention")]
    [InlineData("EdgeNode__Mqtt__Sparkplug__GroupId", "plant/1", "EdgeNode:Mqtt:Sparkplug:GroupId")]
    [InlineData("EdgeNode__Models__MinShadowCosine", "1.5", "EdgeNode:Models:MinShadowCosine")]
    [InlineData("EdgeNode__Inference__MaxBatch", "0", "EdgeNode:Inference:MaxBatch")]
    [InlineData("EdgeNode__Telemetry__Otlp__Protocol", "udp", "EdgeNode:Telemetry:Otlp:Protocol")]
    [InlineData("EdgeNode__Telemetry__Otlp__Endpoint", "not a url", "EdgeNode:Telemetry:Otlp:Endpoint")]
    [InlineData("EdgeNode__Health__StallSeconds", "1", "EdgeNode:Health:StallSeconds")]
    [InlineData("EdgeNode__Federated__Fleet", "plant/1", "EdgeNode:Federated:Fleet")]
    [InlineData("EdgeNode__Models__TrustedKeys__0", "/nonexistent/ops.pem", "EdgeNode:Models:TrustedKeys")]
    public async Task InvalidValue_ExitsNonZero_NamingTheKey(string key, string value, string expectedKey)
    {
        var env = NodeEnvironment.For("it-config", FreePort.Next(), _dir.File("edgenode.db"));
        env[key] = value;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, code);
        Assert.Contains(expectedKey, output, StringComparison.Ordinal);
        Assert.Contains("invalid configuration", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Pipeline started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsVersionAndRuntime()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(30), "version");

        Assert.Equal(0, code);
        Assert.Contains("edgenode 0.1.0", output, StringComparison.Ordinal);
        Assert.Contains("onnxruntime", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerb_ExitsWithUsage()
    {
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(30), "frobnicate");

        Assert.NotEqual(0, code);
        Assert.Contains("unknown verb 'frobnicate'", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
