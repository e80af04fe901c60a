using System.Text.Json.Nodes;
using EdgeNode.Core;
using EdgeNode.Messaging.Commands;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging.Tests;

/// <summary>A command left retained on the broker never runs: not at the first connect, not at a reconnect (issue 20, item 3).</summary>
public sealed class RetainedCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Router_RetainedTrainAndLabelPublishedBeforeConnect_NotExecutedAfterConnectOrReconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using (var publisher = await MqttProbe.ConnectAsync(broker.Port))
        {
            await PublishRetainedAsync(publisher.Client, "edgenode/rt/cmd/train", "{}");
            await PublishRetainedAsync(publisher.Client, "edgenode/rt/cmd/label", "{\"label\":\"cat\"}");
        }

        var train = new CountingHandler("train");
        var label = new CountingHandler("label");
        var echo = new CountingHandler("echo");
        await using var node = await RunningBus.StartAsync(broker.Port, "rt");
        var router = new CommandRouter(node.Bus, new NodeTopics("edgenode", "rt"), [train, label, echo], new CommandOptions(), NullLogger<CommandRouter>.Instance);
        await router.StartAsync(CancellationToken.None);
        await using var client = await CommandClient.ConnectAsync(broker.Port);

        // Commands are answered in order on one worker: once echo is answered, a retained command delivered at
        // subscribe time would have run before it.
        Assert.True((await client.WaitReadyAsync("edgenode/rt/cmd/echo", Timeout)).Ok);
        await ForceReconnectAsync(broker.Port, "edgenode-rt", node);
        Assert.True((await client.SendAsync("edgenode/rt/cmd/echo", "{}"u8.ToArray(), Timeout)).Ok);

        Assert.Equal(0, train.Calls);
        Assert.Equal(0, label.Calls);
        await router.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Router_CommandArrivesWithRetainFlag_DroppedCountedAndNotAnswered()
    {
        // A broker that ignores retain handling still marks what comes from its retained store: the router refuses it.
        var bus = new CapturingBus();
        var train = new CountingHandler("train");
        var router = new CommandRouter(bus, new NodeTopics("edgenode", "n"), [train], new CommandOptions(), NullLogger<CommandRouter>.Instance);
        await router.StartAsync(CancellationToken.None);

        Assert.Equal("edgenode/n/cmd/+", bus.WithoutRetainedFilter);
        await bus.Handler!(new BusMessage("edgenode/n/cmd/train", "{}"u8.ToArray(), 1, Retain: true, ResponseTopic: "ops/replies"), CancellationToken.None);
        await bus.Handler!(new BusMessage("edgenode/n/cmd/train", "{}"u8.ToArray(), 1, Retain: false, ResponseTopic: "ops/replies"), CancellationToken.None);
        await WaitAsync(() => bus.Published.Length == 1);
        await router.StopAsync(CancellationToken.None);

        Assert.Equal(1, router.RetainedDropped);
        Assert.Equal(1, train.Calls);
        Assert.Single(bus.Published);
    }

    private static async Task PublishRetainedAsync(IMqttClient client, string topic, string payload) =>
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .WithResponseTopic("ops/replies")
            .Build());

    // A second client with the node's client id takes the session over; the node's loop reconnects and subscribes again.
    private static async Task ForceReconnectAsync(int port, string clientId, RunningBus node)
    {
        using var intruder = new MqttClientFactory().CreateMqttClient();
        await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500).Build());
        await intruder.DisconnectAsync();
        await node.WaitLoggedAsync("Disconnected");
        await node.WaitConnectedAsync();
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(25);
        }
    }

    private sealed class CountingHandler(string verb) : ICommandHandler
    {
        private int _calls;

        public string Verb => verb;

        public int Calls => Volatile.Read(ref _calls);

        public Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(CommandReply.Success(new JsonObject()));
        }
    }

    private sealed class CapturingBus : IMessageBus
    {
        private readonly List<BusMessage> _published = [];

        public event Func<CancellationToken, Task>? Connected
        {
            add { }
            remove { }
        }

        public bool IsConnected => true;

        public string? WithoutRetainedFilter { get; private set; }

        public Func<BusMessage, CancellationToken, Task>? Handler { get; private set; }

        public BusMessage[] Published
        {
            get
            {
                lock (_published)
                {
                    return _published.ToArray();
                }
            }
        }

        public Task PublishAsync(BusMessage message, CancellationToken cancellationToken)
        {
            lock (_published)
            {
                _published.Add(message);
            }

            return Task.CompletedTask;
        }

        public Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
        {
            Handler = handler;
            return Task.CompletedTask;
        }

        public Task SubscribeWithoutRetainedAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
        {
            WithoutRetainedFilter = topicFilter;
            return SubscribeAsync(topicFilter, handler, cancellationToken);
        }
    }
}
