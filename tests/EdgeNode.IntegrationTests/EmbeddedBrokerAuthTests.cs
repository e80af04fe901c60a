using EdgeNode.Testing;
using MQTTnet;

namespace EdgeNode.IntegrationTests;

/// <summary>The node as a process with its embedded broker beyond loopback: authentication or no start (issue 20, items 1 and 2).</summary>
public sealed class EmbeddedBrokerAuthTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task Start_EmbeddedBrokerOnNonLoopbackWithoutPasswordFile_Exits78NamingTheKey_CreatesNothing(string host)
    {
        var database = _dir.File("edgenode.db");
        var env = NodeEnvironment.For("it-open", FreePort.Next(), database, embeddedBroker: true);
        env["EdgeNode__Mqtt__Host"] = host;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, Startup);

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Mqtt:BrokerPasswordFile (EdgeNode__Mqtt__BrokerPasswordFile)", output, StringComparison.Ordinal);
        Assert.False(File.Exists(database), "the node created its database before refusing to start");
    }

    [Fact]
    public async Task Node_EmbeddedBrokerOn0000WithPasswordFile_ComesOnline_AnonymousRefused_ViewerCannotLabel()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("it-auth", "node-pw"), ("viewer", "view-pw"), ("operator", "op-pw"));
        var port = FreePort.Next();
        var env = NodeEnvironment.For("it-auth", port, _dir.File("edgenode.db"), embeddedBroker: true);
        env["EdgeNode__Mqtt__Host"] = "0.0.0.0";
        env["EdgeNode__Mqtt__BrokerPasswordFile"] = passwords;
        env["EdgeNode__Mqtt__Username"] = "it-auth";
        env["EdgeNode__Mqtt__Password"] = "node-pw";
        await using var node = NodeProcess.Start(_dir.Path, env);
        await FreePort.WaitListeningAsync(port, Startup);

        await using var operatorClient = await CommandClient.ConnectAsync(port, b => b.WithCredentials("operator", "op-pw"), "edgenode/it-auth/reply/op");
        await using var viewer = await MqttProbe.ConnectAsync(port, b => b.WithCredentials("viewer", "view-pw"));
        using var anonymous = new MqttClientFactory().CreateMqttClient();
        var refused = await anonymous.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var health = await operatorClient.WaitReadyAsync("edgenode/it-auth/cmd/health", Startup);
        var label = await viewer.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgenode/it-auth/cmd/label").WithPayload("{\"label\":\"x\"}").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
        Assert.True(health.Ok);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, label.ReasonCode);
    }

    public void Dispose() => _dir.Dispose();
}
