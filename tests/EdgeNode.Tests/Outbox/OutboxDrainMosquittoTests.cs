using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Outbox;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Outbox;

/// <summary>
/// The drain with hundreds of QoS 1 publishes in flight through the real MQTT bus to a real mosquitto whose ACL
/// refuses one topic (PUBACK 0x87), against a real SQLite outbox.
/// </summary>
public sealed class OutboxDrainMosquittoTests : IDisposable
{
    private const string Node = "drain";
    private static readonly string[] Writable = ["status", "results", "events"];
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Drain_ManyInFlight_EveryAllowedRowArrivesOnceInSeqOrder_RefusedRowsDeadLettered()
    {
        var acl = _dir.File("mosquitto.acl");
        await File.WriteAllTextAsync(acl, $"topic read edgenode/{Node}/#\n" + string.Join('\n', Writable.Select(t => $"topic write edgenode/{Node}/{t}")) + "\n");
        // Room towards the probe: mosquitto drops QoS 1 messages for a slow subscriber past 1,000 by default. Not 0
        // (unlimited): with it, mosquitto 2.0.11 drops this publisher's connection at refused publishes ("Bad socket read/write").
        await using var broker = await MosquittoBroker.StartAsync($"acl_file {acl}\nmax_queued_messages 100000\n");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, $"edgenode/{Node}/results", $"edgenode/{Node}/events");
        var topics = new NodeTopics("edgenode", Node);
        var busLog = new TextLogger<MqttMessageBus>();
        var publisherLog = new TextLogger<OutboxPublisherService>();
        await using var bus = new MqttMessageBus(new MqttOptions { Host = "127.0.0.1", Port = broker.Port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1 }, topics, "edgenode-" + Node, busLog, TimeProvider.System);
        await using var store = await SqliteOutboxStore.OpenAsync(_dir.File("edgenode.db"), TimeProvider.System);
        using var signal = new OutboxSignal();
        var writer = new MessageWriter(store, signal, bus, new NodeIdentity(Node, topics), TimeProvider.System);

        // 3,000 results, every 300th on a topic the ACL refuses, stored while offline.
        const int Count = 3000;
        var messages = Enumerable.Range(1, Count)
            .Select(i => writer.Create(MessageKind.Result, i % 300 == 0 ? $"edgenode/{Node}/denied" : topics.Results, TimeProvider.System.GetUtcNow(), i, i, static (w, n) => w.WriteNumber("n", n)))
            .ToList();
        await writer.AppendAsync(messages);
        var refused = messages.Where(m => m.Topic.EndsWith("/denied", StringComparison.Ordinal)).Select(m => m.Id).ToList();
        var allowed = messages.Where(m => !refused.Contains(m.Id)).Select(m => m.Sequence).ToList();

        using var stop = new CancellationTokenSource();
        var loop = bus.RunAsync(stop.Token);
        var deadLetters = new OutboxDeadLetters();
        using var publisher = new OutboxPublisherService(
            store, bus, signal, writer, Options.Create(new OutboxOptions { BacklogMessagesPerSecond = 0, MaxInFlight = 512, BatchSize = 128 }), TimeProvider.System, deadLetters, publisherLog);
        await publisher.StartAsync(CancellationToken.None);
        var received = await probe.WaitUntilAsync(
            m => m.Count(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)) >= allowed.Count && m.Count(x => x.Topic.EndsWith("/events", StringComparison.Ordinal)) >= refused.Count,
            TimeSpan.FromSeconds(60),
            "every allowed result and a dead-lettered event per refused one");
        await Eventually.TrueAsync(() => store.GetStatsAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult().Pending == 0, "every row handled");
        await publisher.StopAsync(CancellationToken.None);
        await stop.CancelAsync();
        await loop;

        // Seq order on the wire, each allowed row once (no connection was lost, so nothing was sent twice).
        Assert.True(!publisherLog.Text.Contains("Warning", StringComparison.Ordinal), $"Publisher:\n{publisherLog.Text}\nBus:\n{busLog.Text}\nBroker:\n{broker.Log}");
        Assert.Equal(allowed, received.Where(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)).Select(x => Field(x.Payload, "seq").GetInt64()));
        var events = received.Where(x => x.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(x => JsonDocument.Parse(x.Payload).RootElement).ToList();
        Assert.Equal(refused, events.Select(e => e.GetProperty("itemId").GetString()));
        Assert.All(events, e => Assert.Contains("NotAuthorized", e.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Equal(refused.Count, deadLetters.Count);
    }

    public void Dispose() => _dir.Dispose();

    private static JsonElement Field(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty(name);
}
