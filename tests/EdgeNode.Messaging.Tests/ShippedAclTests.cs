using System.Text;
using EdgeNode.Core;
using EdgeNode.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging.Tests;

/// <summary>
/// The ACL we ship (<c>deploy/mosquitto/edgenode.acl</c>, copied as is) on a real mosquitto with passwords: a node
/// publishes only under its own topics and its own federated update, and reads only its own commands.
/// </summary>
public sealed class ShippedAclTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Users = ["node-a", "node-b", "operator", "aggregator", "homeassistant", "fleet"];
    private readonly TempDirectory _dir = new();
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync()
    {
        var acl = _dir.File("edgenode.acl");
        File.Copy(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "edgenode.acl"), acl);
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), Users.Select(u => (u, Password(u))).ToArray());
        _broker = await MosquittoBroker.StartAsync(MosquittoConfig.Authenticated(passwords, acl) + "log_type all\n");
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Node_PublishesItsOwnTopics_OperatorReceivesEveryOne()
    {
        await using var operatorProbe = await ProbeAsync("operator", "edgenode/#", "homeassistant/#");
        await using var node = await NodeAsync("node-a");

        string[] own = ["edgenode/node-a/results", "edgenode/node-a/sensors/s1", "edgenode/node-a/events", "edgenode/node-a/reply/op-1", "edgenode/fleet/f1/fl/updates/node-a", "homeassistant/device/node-a/config"];
        foreach (var topic in own)
        {
            await node.Bus.PublishAsync(new BusMessage(topic, Encoding.UTF8.GetBytes("own"), 1), CancellationToken.None);
        }

        var messages = await operatorProbe.WaitUntilAsync(m => own.All(t => m.Any(x => x.Topic == t)), RunningBus.Timeout, "every own topic");
        Assert.Contains(messages, m => m.Topic == "edgenode/node-a/status" && m.Payload == "online");
    }

    [Theory]
    [InlineData("edgenode/node-b/results")]
    [InlineData("edgenode/node-b/status")]
    [InlineData("edgenode/node-b/cmd/config")]
    [InlineData("edgenode/fleet/f1/fl/updates/node-b")]
    [InlineData("edgenode/fleet/f1/fl/global")]
    [InlineData("homeassistant/device/node-b/config")]
    [InlineData("homeassistant/status")]
    public async Task Node_PublishingOutsideItsTopics_IsRefusedWithPuback0x87_AndNotDelivered(string topic)
    {
        await using var operatorProbe = await ProbeAsync("operator", "edgenode/#", "homeassistant/#");
        await using var node = await NodeAsync("node-a");

        // mosquitto 2.0 answers a denied QoS 1 publish from an MQTT v5 client with PUBACK reason 0x87 (not authorised).
        var refused = await Assert.ThrowsAsync<MessageBusException>(() => node.Bus.PublishAsync(new BusMessage(topic, "forged"u8.ToArray(), 1), CancellationToken.None));
        Assert.Contains("NotAuthorized", refused.Message, StringComparison.Ordinal);

        // Same connection, same order: once the marker arrives, the forged message would have arrived before it.
        await node.Bus.PublishAsync(new BusMessage("edgenode/node-a/results", "marker"u8.ToArray(), 1), CancellationToken.None);
        var messages = await operatorProbe.WaitUntilAsync(m => m.Any(x => x.Payload == "marker"), RunningBus.Timeout, "marker");
        Assert.DoesNotContain(messages, m => m.Payload == "forged");
        Assert.True(node.Bus.IsConnected);
    }

    [Fact]
    public async Task Node_CannotReadAnotherNodesCommands_ButReadsItsOwn()
    {
        var received = new List<string>();
        Task Record(BusMessage m, CancellationToken _)
        {
            lock (received)
            {
                received.Add(m.Topic);
            }

            return Task.CompletedTask;
        }

        // mosquitto grants the subscriptions and checks each delivery against the ACL.
        await using var node = await NodeAsync("node-a", ("edgenode/+/cmd/+", Record), ("edgenode/node-b/#", Record));
        await using var operatorProbe = await ProbeAsync("operator");

        await PublishAsync(operatorProbe, "edgenode/node-b/cmd/config", "{}");
        await PublishAsync(operatorProbe, "edgenode/node-a/cmd/config", "{}");

        await node.WaitAsync(() => { lock (received) { return received.Contains("edgenode/node-a/cmd/config"); } }, "own command");
        lock (received)
        {
            Assert.DoesNotContain("edgenode/node-b/cmd/config", received);
        }
    }

    [Fact]
    public async Task Node_ReadsTheGlobalHeadAndHomeAssistantsBirth()
    {
        var received = new List<string>();
        Task Record(BusMessage m, CancellationToken _)
        {
            lock (received)
            {
                received.Add(m.Topic);
            }

            return Task.CompletedTask;
        }

        await using var node = await NodeAsync("node-a", ("edgenode/fleet/f1/fl/global", Record), ("homeassistant/status", Record));
        await using var aggregator = await NodeAsync("aggregator");
        await using var homeAssistant = await ProbeAsync("homeassistant");

        await aggregator.Bus.PublishAsync(new BusMessage("edgenode/fleet/f1/fl/global", "head"u8.ToArray(), 1, Retain: true), CancellationToken.None);
        await PublishAsync(homeAssistant, "homeassistant/status", "online");

        await node.WaitAsync(() => { lock (received) { return received.Contains("edgenode/fleet/f1/fl/global") && received.Contains("homeassistant/status"); } }, "global head and HA birth");
    }

    [Fact]
    public async Task Node_ReadsAnotherNodesSplitTailAnnouncement_ButNotItsSplitHeadStatus()
    {
        var received = new List<string>();
        Task Record(BusMessage m, CancellationToken _)
        {
            lock (received)
            {
                received.Add(m.Topic);
            }

            return Task.CompletedTask;
        }

        await using var head = await NodeAsync("node-a", ("edgenode/+/split/#", Record));
        await using var tail = await NodeAsync("node-b");
        await tail.Bus.PublishAsync(new BusMessage("edgenode/node-b/split/head", "{}"u8.ToArray(), 1, Retain: true), CancellationToken.None);
        await tail.Bus.PublishAsync(new BusMessage("edgenode/node-b/split/tail", "{}"u8.ToArray(), 1, Retain: true), CancellationToken.None);

        await head.WaitAsync(() => { lock (received) { return received.Contains("edgenode/node-b/split/tail"); } }, "the tail's announcement");
        lock (received)
        {
            // Deliveries keep publish order: the head status, published first, would be here already had it been granted.
            Assert.DoesNotContain("edgenode/node-b/split/head", received);
        }
    }

    [Fact]
    public async Task Aggregator_GetsNodeUpdatesThroughTheSharedSubscription_NotForgedOnes()
    {
        var updates = new List<string>();
        await using var aggregator = await NodeAsync("aggregator", ("$share/aggregators/edgenode/fleet/f1/fl/updates/+", (m, _) =>
        {
            lock (updates)
            {
                updates.Add(m.Topic + " " + Encoding.UTF8.GetString(m.Payload.Span));
            }

            return Task.CompletedTask;
        }));
        await using var node = await NodeAsync("node-a");

        await Assert.ThrowsAsync<MessageBusException>(() => node.Bus.PublishAsync(new BusMessage("edgenode/fleet/f1/fl/updates/node-b", "forged"u8.ToArray(), 1), CancellationToken.None));
        await node.Bus.PublishAsync(new BusMessage("edgenode/fleet/f1/fl/updates/node-a", "real"u8.ToArray(), 1), CancellationToken.None);

        await aggregator.WaitAsync(() => { lock (updates) { return updates.Count > 0; } }, "update");
        lock (updates)
        {
            Assert.Equal(["edgenode/fleet/f1/fl/updates/node-a real"], updates);
        }
    }

    [Fact]
    public async Task UserNamedFleet_GetsNothing()
    {
        await using var operatorProbe = await ProbeAsync("operator", "edgenode/#");
        await using var fleet = await ProbeAsync("fleet");

        var global = await fleet.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgenode/fleet/f1/fl/global").WithPayload("forged").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var own = await fleet.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgenode/fleet/status").WithPayload("forged").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, global.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, own.ReasonCode);
    }

    [Fact]
    public async Task Node_LoggedInAsAnotherUser_BirthIsRefused_LoggedAndRetried()
    {
        await using var node = await RunningBus.StartAsync(_broker.Port, "node-x", o =>
        {
            o.Username = "node-a";
            o.Password = Password("node-a");
        });

        var log = await node.WaitLoggedAsync("edgenode/node-x/status");

        Assert.Contains("the MQTT user name must be the node id", log, StringComparison.Ordinal);
        Assert.False(node.Bus.IsConnected);
        Assert.False(node.Loop.IsCompleted, log);
    }

    [Fact]
    public async Task LostNode_DenyBlockAddedAndBrokerReloaded_CanNoLongerPublish_OthersCan()
    {
        await using var nodeA = await NodeAsync("node-a");
        await using var nodeB = await NodeAsync("node-b");
        await nodeA.Bus.PublishAsync(new BusMessage("edgenode/node-a/results", "before"u8.ToArray(), 1), CancellationToken.None);

        // docs/security.md: cut off a lost node without a revocation list.
        await File.AppendAllTextAsync(_dir.File("edgenode.acl"), "\nuser node-a\ntopic deny #\n");
        _broker.Reload();

        var deadline = DateTime.UtcNow + RunningBus.Timeout;
        while (await TryPublishAsync(nodeA, "edgenode/node-a/results"))
        {
            Assert.True(DateTime.UtcNow < deadline, "node-a can still publish after the reload");
            await Task.Delay(50);
        }

        await nodeB.Bus.PublishAsync(new BusMessage("edgenode/node-b/results", "after"u8.ToArray(), 1), CancellationToken.None);
    }

    private static async Task<bool> TryPublishAsync(RunningBus node, string topic)
    {
        try
        {
            await node.Bus.PublishAsync(new BusMessage(topic, "x"u8.ToArray(), 1), CancellationToken.None);
            return true;
        }
        catch (MessageBusException ex) when (ex.Message.Contains("NotAuthorized", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private static string Password(string user) => user + "-pw";

    private async Task<RunningBus> NodeAsync(string user, params (string Filter, Func<BusMessage, CancellationToken, Task> Handler)[] subscriptions)
    {
        var bus = await RunningBus.StartAsync(_broker.Port, user, o =>
        {
            o.Username = user;
            o.Password = Password(user);
        }, subscriptions);
        await bus.WaitConnectedAsync();
        return bus;
    }

    private Task<MqttProbe> ProbeAsync(string user, params string[] filters) =>
        MqttProbe.ConnectAsync(_broker.Port, b => b.WithCredentials(user, Password(user)), filters);

    private static async Task PublishAsync(MqttProbe probe, string topic, string payload)
    {
        var result = await probe.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(result.IsSuccess, $"{topic}: {result.ReasonCode}");
    }
}
