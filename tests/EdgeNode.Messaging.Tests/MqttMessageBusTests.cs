using System.Text;
using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

/// <summary>The bus against a real mosquitto.</summary>
public sealed class MqttMessageBusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task RunAsync_Connects_PublishesRetainedOnlineBirth()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = CreateBus(broker.Port, "n1");
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        // A subscriber that connects later still sees the retained birth.
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/n1/status");
        var messages = await probe.WaitUntilAsync(m => m.Count > 0, Timeout, "retained status");

        Assert.Equal("online", messages[0].Payload);
        Assert.True(messages[0].Retain);
        await cts.CancelAsync();
        await loop;
    }

    [Theory]
    [InlineData("max_inflight_messages 5\n", 5)]
    [InlineData("", 20)] // mosquitto's default max_inflight_messages, announced to MQTT v5 clients
    public async Task RunAsync_ReadsTheBrokersReceiveMaximumFromItsConnack(string config, int expected)
    {
        await using var broker = await MosquittoBroker.StartAsync(config);
        await using var bus = CreateBus(broker.Port, "n-rm");
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        Assert.Equal(expected, bus.ReceiveMaximum);
        await cts.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task PublishAsync_ManySendersAtOnce_KeepToTheBrokersReceiveMaximumAndAllArrive()
    {
        await using var broker = await MosquittoBroker.StartAsync("max_inflight_messages 3\n");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/n-window/burst/#");
        await using var bus = CreateBus(broker.Port, "n-window");
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        // 60 QoS 1 publishes from as many senders at once (telemetry, events, discovery, replies all share one connection).
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() =>
            bus.PublishAsync(new BusMessage($"edgenode/n-window/burst/{i}", Encoding.UTF8.GetBytes($"{i}"), QualityOfService: 1), CancellationToken.None))));

        Assert.Equal(3, bus.ReceiveMaximum);
        Assert.Equal(3, bus.InFlight.Peak);
        Assert.Equal(0, bus.InFlight.InFlight);
        var received = await probe.WaitUntilAsync(m => m.Count == 60, Timeout, "all 60 messages");
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"{i}").Order(), received.Select(m => m.Payload).Order());
        await cts.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task StopAsync_PublishesRetainedOffline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/n2/status");
        await using var bus = CreateBus(broker.Port, "n2");
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        await cts.CancelAsync();
        await loop;
        await bus.StopAsync(CancellationToken.None);

        var messages = await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "offline"), Timeout, "offline");
        Assert.Equal(["online", "offline"], messages.Select(m => m.Payload));
    }

    [Fact]
    public async Task Publish_WhenBrokerDown_ThrowsMessageBusException_AndReconnectsWhenBack()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = CreateBus(broker.Port, "n3");
        using var cts = new CancellationTokenSource();
        var reconnects = 0;
        bus.Connected += _ =>
        {
            Interlocked.Increment(ref reconnects);
            return Task.CompletedTask;
        };
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        await broker.StopAsync();
        await WaitAsync(() => !bus.IsConnected, "disconnect noticed");
        await Assert.ThrowsAsync<MessageBusException>(() => bus.PublishAsync(new BusMessage("edgenode/n3/x", "1"u8.ToArray()), CancellationToken.None));

        await broker.StartAgainAsync();
        await WaitConnectedAsync(bus);
        await WaitAsync(() => Volatile.Read(ref reconnects) >= 2, "second Connected event");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/n3/x");
        await bus.PublishAsync(new BusMessage("edgenode/n3/x", Encoding.UTF8.GetBytes("after")), CancellationToken.None);
        var messages = await probe.WaitUntilAsync(m => m.Count > 0, Timeout, "message after reconnect");
        Assert.Equal("after", messages[0].Payload);

        await cts.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Subscribe_HandlerThrows_ConnectionSurvivesAndLaterMessagesArrive()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = CreateBus(broker.Port, "n4");
        var received = new List<string>();
        await bus.SubscribeAsync("edgenode/n4/cmd/+", (m, _) =>
        {
            var text = Encoding.UTF8.GetString(m.Payload.Span);
            lock (received)
            {
                received.Add(text);
            }

            return text == "boom" ? throw new InvalidOperationException("handler bug") : Task.CompletedTask;
        }, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);
        await WaitConnectedAsync(bus);

        await bus.PublishAsync(new BusMessage("edgenode/n4/cmd/a", "boom"u8.ToArray()), CancellationToken.None);
        await bus.PublishAsync(new BusMessage("edgenode/n4/cmd/b", "fine"u8.ToArray()), CancellationToken.None);

        await WaitAsync(() => { lock (received) { return received.Contains("fine"); } }, "second command");
        Assert.True(bus.IsConnected);
        await cts.CancelAsync();
        await loop;
    }

    private static MqttMessageBus CreateBus(int port, string node) => new(
        new MqttOptions { Host = "127.0.0.1", Port = port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1, MaxReconnectDelaySeconds = 0.5 },
        new NodeTopics("edgenode", node),
        "edgenode-" + node,
        NullLogger<MqttMessageBus>.Instance,
        TimeProvider.System);

    private static Task WaitConnectedAsync(MqttMessageBus bus) => WaitAsync(() => bus.IsConnected, "connection");

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(25);
        }
    }
}
