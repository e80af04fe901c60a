using System.Text;
using EdgeNode.Core;
using EdgeNode.Testing;
using MQTTnet;

namespace EdgeNode.Messaging.Tests;

/// <summary>
/// The bus over TLS against a real mosquitto with certificates made in the test: mutual TLS with
/// <c>require_certificate true</c>, refused client and broker certificates, host names, rotation, passwords.
/// </summary>
public sealed class MqttTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestPki _pki;
    private readonly TestPki _otherPki;

    public MqttTlsTests()
    {
        _pki = new TestPki(_dir.File("site"));
        _otherPki = new TestPki(_dir.File("other"), "Somebody else's CA");
    }

    [Fact]
    public async Task MutualTls_RequireCertificate_ConnectsPublishesAndReceives()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: true));
        var client = _pki.IssueClient("t1");
        var commands = new List<string>();
        await using var node = await RunningBus.StartAsync(broker.Port, "t1", o => UseTls(o, client, _pki.CaFile), ("edgenode/t1/cmd/+", (m, _) =>
        {
            lock (commands)
            {
                commands.Add(Encoding.UTF8.GetString(m.Payload.Span));
            }

            return Task.CompletedTask;
        }));
        await node.WaitConnectedAsync();

        await using var probe = await MqttProbe.ConnectAsync(broker.Port, _pki.ClientTls(_pki.IssueClient("probe")), "edgenode/t1/#");
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/t1/status" && x.Payload == "online"), RunningBus.Timeout, "retained online over TLS");
        await node.Bus.PublishAsync(new BusMessage("edgenode/t1/results", "r1"u8.ToArray(), 1), CancellationToken.None);
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/t1/results" && x.Payload == "r1"), RunningBus.Timeout, "result over TLS");
        await probe.Client.PublishStringAsync("edgenode/t1/cmd/rebirth", "hello", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        await node.WaitAsync(() => { lock (commands) { return commands.Contains("hello"); } }, "command over TLS");

        Assert.Contains("Connected to MQTT broker", node.Logger.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_NoClientCertificate_IsRefused_BusKeepsRetryingAndLogs()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: true));
        await using var node = await RunningBus.StartAsync(broker.Port, "t2", o => o.Tls.CaFile = _pki.CaFile);

        var log = await node.WaitLoggedAsync($"127.0.0.1:{broker.Port} refused the connection");

        Assert.False(node.Bus.IsConnected);
        Assert.False(node.Loop.IsCompleted, "the reconnect loop must keep running: " + log);
        Assert.Contains("retrying", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Connected to MQTT broker", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_ClientCertificateFromAnotherCa_IsRefused()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: true));
        var stranger = _otherPki.IssueClient("t3");
        await using var node = await RunningBus.StartAsync(broker.Port, "t3", o => UseTls(o, stranger, _pki.CaFile));

        var log = await node.WaitLoggedAsync($"127.0.0.1:{broker.Port} refused the connection");

        Assert.False(node.Bus.IsConnected);
        Assert.False(node.Loop.IsCompleted, log);
        Assert.Contains("certificate", broker.Log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ServerCertificateFromUntrustedCa_IsRefused_NamingTheCaFile()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_otherPki.CaFile, _otherPki.IssueServer("127.0.0.1"), requireCertificate: false));
        await using var node = await RunningBus.StartAsync(broker.Port, "t4", o => o.Tls.CaFile = _pki.CaFile);

        var log = await node.WaitLoggedAsync("refused the connection");

        Assert.Contains("is not trusted by the CA in EdgeNode:Mqtt:Tls:CaFile", log, StringComparison.Ordinal);
        Assert.Contains(_pki.CaFile, log, StringComparison.Ordinal);
        Assert.False(node.Bus.IsConnected);
    }

    [Fact]
    public async Task ServerCertificateForAnotherHost_IsRefused_ServerNameOverrideConnects()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("broker.site.example"), requireCertificate: false));
        await using (var wrongName = await RunningBus.StartAsync(broker.Port, "t5", o => o.Tls.CaFile = _pki.CaFile))
        {
            var log = await wrongName.WaitLoggedAsync("refused the connection");

            Assert.Contains("is not issued for '127.0.0.1'", log, StringComparison.Ordinal);
            Assert.False(wrongName.Bus.IsConnected);
        }

        await using var named = await RunningBus.StartAsync(broker.Port, "t5", o =>
        {
            o.Tls.CaFile = _pki.CaFile;
            o.Tls.ServerName = "broker.site.example";
        });
        await named.WaitConnectedAsync();
    }

    [Fact]
    public async Task AllowUntrustedCertificates_ConnectsToABrokerOfAnotherCa()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_otherPki.CaFile, _otherPki.IssueServer("elsewhere.example"), requireCertificate: false));
        await using var node = await RunningBus.StartAsync(broker.Port, "t6", o =>
        {
            o.Tls.Enabled = true;
            o.Tls.AllowUntrustedCertificates = true;
        });

        await node.WaitConnectedAsync();
    }

    [Fact]
    public async Task ReplacedClientCertificate_IsReadAgainAtTheNextConnect()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: true));
        var stranger = _otherPki.IssueClient("t7");
        var certFile = _dir.File("t7.crt");
        var keyFile = _dir.File("t7.key");
        File.Copy(stranger.CertFile, certFile);
        File.Copy(stranger.KeyFile, keyFile);
        await using var node = await RunningBus.StartAsync(broker.Port, "t7", o => UseTls(o, new PemFiles(certFile, keyFile), _pki.CaFile));
        await node.WaitLoggedAsync($"127.0.0.1:{broker.Port}");
        Assert.False(node.Bus.IsConnected);

        // Rotation: the new certificate and key replace the files in place; no restart.
        var renewed = _pki.IssueClient("t7");
        File.Copy(renewed.CertFile, certFile, overwrite: true);
        File.Copy(renewed.KeyFile, keyFile, overwrite: true);

        await node.WaitConnectedAsync();
    }

    [Fact]
    public async Task CertificateFileRemovedWhileRunning_IsLoggedNamingTheKey_AndRetried()
    {
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: true));
        var client = _pki.IssueClient("t8");
        var certFile = _dir.File("t8.crt");
        File.Copy(client.CertFile, certFile);
        await using var node = await RunningBus.StartAsync(broker.Port, "t8", o => UseTls(o, new PemFiles(certFile, client.KeyFile), _pki.CaFile));
        await node.WaitConnectedAsync();

        File.Delete(certFile);
        await broker.StopAsync();
        await broker.StartAgainAsync();
        var log = await node.WaitLoggedAsync("EdgeNode:Mqtt:Tls:CertFile");

        Assert.Contains(certFile, log, StringComparison.Ordinal);
        Assert.False(node.Loop.IsCompleted, log);
        File.Copy(client.CertFile, certFile);
        await node.WaitConnectedAsync();
    }

    [Fact]
    public async Task Password_Right_Connects()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("t9", "right-pw"));
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Authenticated(passwords));
        await using var node = await RunningBus.StartAsync(broker.Port, "t9", o =>
        {
            o.Username = "t9";
            o.Password = "right-pw";
        });

        await node.WaitConnectedAsync();
    }

    [Fact]
    public async Task Password_Wrong_IsRefused_WithAClearMessage_AndRetried()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("t10", "right-pw"));
        await using var broker = await MosquittoBroker.StartAsync(MosquittoConfig.Authenticated(passwords));
        await using var node = await RunningBus.StartAsync(broker.Port, "t10", o =>
        {
            o.Username = "t10";
            o.Password = "wrong-pw";
        });

        var log = await node.WaitLoggedAsync("refused the connection");

        // mosquitto 2.0 answers a wrong password with CONNACK 0x87 (not authorised).
        Assert.Contains("NotAuthorized", log, StringComparison.Ordinal);
        Assert.Contains("EdgeNode__Mqtt__Password", log, StringComparison.Ordinal);
        Assert.False(node.Loop.IsCompleted, log);
    }

    [Fact]
    public async Task TlsForTheBrokerOnly_WithPassword_Connects()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("t11", "pw"));
        await using var broker = await MosquittoBroker.StartAsync(
            MosquittoConfig.Tls(_pki.CaFile, _pki.IssueServer("127.0.0.1"), requireCertificate: false) + MosquittoConfig.Authenticated(passwords));
        await using var node = await RunningBus.StartAsync(broker.Port, "t11", o =>
        {
            o.Tls.CaFile = _pki.CaFile;
            o.Username = "t11";
            o.Password = "pw";
        });

        await node.WaitConnectedAsync();
    }

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
        _dir.Dispose();
    }

    private static void UseTls(MqttOptions options, PemFiles client, string caFile)
    {
        options.Tls.CaFile = caFile;
        options.Tls.CertFile = client.CertFile;
        options.Tls.KeyFile = client.KeyFile;
    }
}
