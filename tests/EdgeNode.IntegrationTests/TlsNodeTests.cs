using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The node as a real process on a mosquitto that requires client certificates (CN = user name) and applies the
/// shipped ACL, configured only through the documented environment variables; and TLS settings that stop the start.
/// </summary>
public sealed class TlsNodeTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly TestPki _pki;

    public TlsNodeTests() => _pki = new TestPki(_dir.File("pki"));

    [Fact]
    public async Task Node_WithCaCertAndKeyVariables_ComesOnlineOverMutualTls_UnderTheShippedAcl()
    {
        var acl = _dir.File("edgenode.acl");
        File.Copy(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "edgenode.acl"), acl);
        await using var broker = await MosquittoBroker.StartAsync(
            MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1", "localhost"), requireCertificate: true, useIdentityAsUsername: true)
            + MosquittoConfig.Authenticated(aclFile: acl));
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, _pki.ClientTls(_pki.IssueClient("operator")), "edgenode/it-tls/#", "homeassistant/device/it-tls/config");
        var client = _pki.IssueClient("it-tls");
        var env = NodeEnvironment.For("it-tls", broker.Port, _dir.File("edgenode.db"));
        env["EdgeNode__Mqtt__Tls__CaFile"] = _pki.CaFile;
        env["EdgeNode__Mqtt__Tls__CertFile"] = client.CertFile;
        env["EdgeNode__Mqtt__Tls__KeyFile"] = client.KeyFile;

        await using var node = NodeProcess.Start(_dir.Path, env);

        await probe.WaitUntilAsync(
            m => m.Any(x => x.Topic == "edgenode/it-tls/status" && x.Payload == "online") && m.Any(x => x.Topic == "edgenode/it-tls/results")
                && m.Any(x => x.Topic == "edgenode/it-tls/telemetry") && m.Any(x => x.Topic == "homeassistant/device/it-tls/config"),
            Startup,
            "online, a result, telemetry and the discovery over mutual TLS");
        Assert.DoesNotContain("refused", node.Output, StringComparison.Ordinal);

        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/it-tls/status" && x.Payload == "offline"), TimeSpan.FromSeconds(10), "offline on stop");
    }

    [Fact]
    public async Task MissingCaFile_ExitsWithConfigurationError_NamingTheKey()
    {
        var env = NodeEnvironment.For("it-tls-bad", FreePort.Next(), _dir.File("edgenode.db"));
        env["EdgeNode__Mqtt__Tls__CaFile"] = _dir.File("missing-ca.crt");

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.Equal(78, code);
        Assert.Contains("invalid configuration", output, StringComparison.Ordinal);
        Assert.Contains("EdgeNode:Mqtt:Tls:CaFile (EdgeNode__Mqtt__Tls__CaFile)", output, StringComparison.Ordinal);
        Assert.Contains("missing-ca.crt", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateWithoutKey_ExitsWithConfigurationError_NamingKeyFile()
    {
        var env = NodeEnvironment.For("it-tls-bad", FreePort.Next(), _dir.File("edgenode.db"));
        env["EdgeNode__Mqtt__Tls__CaFile"] = _pki.CaFile;
        env["EdgeNode__Mqtt__Tls__CertFile"] = _pki.IssueClient("it-tls-bad").CertFile;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Mqtt:Tls:KeyFile (EdgeNode__Mqtt__Tls__KeyFile)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsWithTheEmbeddedBroker_ExitsWithConfigurationError_NamingEmbeddedBroker()
    {
        var env = NodeEnvironment.For("it-tls-bad", FreePort.Next(), _dir.File("edgenode.db"), embeddedBroker: true);
        env["EdgeNode__Mqtt__Tls__CaFile"] = _pki.CaFile;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Mqtt:EmbeddedBroker (EdgeNode__Mqtt__EmbeddedBroker)", output, StringComparison.Ordinal);
        Assert.Contains("EdgeNode__Mqtt__EmbeddedBroker=false", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }
}
