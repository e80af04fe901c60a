using EdgeNode.Testing;
using MQTTnet;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task Start_AcceptsV5Clients_AndRoutesMessages()
    {
        var port = FreePort.Next();
        await using var broker = new EmbeddedBroker("127.0.0.1", port, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(port, "t/#");

        await probe.Client.PublishStringAsync("t/1", "hello");

        var messages = await probe.WaitUntilAsync(m => m.Count > 0, TimeSpan.FromSeconds(10), "routed message");
        Assert.Equal("hello", messages[0].Payload);
    }

    [Fact]
    public async Task Start_PortTaken_ThrowsIOExceptionNamingTheKey()
    {
        await using var other = await MosquittoBroker.StartAsync();
        await using var broker = new EmbeddedBroker("127.0.0.1", other.Port, NullLogger<EmbeddedBroker>.Instance);

        var ex = await Assert.ThrowsAsync<IOException>(broker.StartAsync);

        Assert.Contains("EdgeNode__Mqtt__Port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyClientId_V311CleanSession_GetsAnAssignedId()
    {
        var port = FreePort.Next();
        await using var broker = new EmbeddedBroker("127.0.0.1", port, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync();
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(string.Empty)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .Build());

        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
    }
}
