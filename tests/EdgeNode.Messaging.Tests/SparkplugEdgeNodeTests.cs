using EdgeNode.Core;
using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Messaging.Sparkplug.Protobuf;
using EdgeNode.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

/// <summary>The Sparkplug edge node over the real bus against a real mosquitto: births, data, will, NCMD parsing.</summary>
public sealed class SparkplugEdgeNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly SparkplugMetricDefinition[] Definitions =
    [
        new("A/Count", 2, SparkplugDataType.Int64),
        new("A/Latency", 3, SparkplugDataType.Double, "ms"),
        new("A/Label", 4, SparkplugDataType.String),
        new("A/Full", 5, SparkplugDataType.Boolean),
    ];

    [Fact]
    public async Task Birth_CarriesBdSeqSeqZeroAndEveryMetricByNameAliasAndType()
    {
        await using var fixture = await Fixture.StartAsync("n1");

        await fixture.Edge.PublishBirthAsync(Values(7, 1.5, "cat", null), CancellationToken.None);

        var birth = await fixture.NextAsync("NBIRTH");
        Assert.Equal(0, birth.QualityOfService);
        Assert.False(birth.Retain);
        var payload = SparkplugCodec.Decode(birth.Bytes);
        Assert.Equal(0UL, payload.Seq);
        Assert.NotNull(payload.Timestamp);
        Assert.Equal(new SparkplugMetric("bdSeq", null, SparkplugDataType.Int64, 0L), payload.Metrics[0]);
        Assert.Equal(
            [
                ("Node Control/Rebirth", 1UL, SparkplugDataType.Boolean, (object?)false, (string?)null),
                ("A/Count", 2UL, SparkplugDataType.Int64, 7L, null),
                ("A/Latency", 3UL, SparkplugDataType.Double, 1.5, "ms"),
                ("A/Label", 4UL, SparkplugDataType.String, "cat", null),
                ("A/Full", 5UL, SparkplugDataType.Boolean, null, null),
            ],
            payload.Metrics.Skip(1).Select(m => (m.Name, m.Alias!.Value, m.DataType, m.Value, m.Unit)));
    }

    [Fact]
    public async Task Data_CarriesOnlyChangedMetrics_ByAliasWithoutNames_AndCountsSeq()
    {
        await using var fixture = await Fixture.StartAsync("n2");
        await fixture.Edge.PublishBirthAsync(Values(1, 1.0, null, false), CancellationToken.None);
        await fixture.NextAsync("NBIRTH");

        Assert.False(await fixture.Edge.PublishDataAsync(Values(1, 1.0, null, false), CancellationToken.None));
        Assert.True(await fixture.Edge.PublishDataAsync(Values(2, 1.0, null, false), CancellationToken.None));
        Assert.True(await fixture.Edge.PublishDataAsync(Values(2, 1.0, "dog", true), CancellationToken.None));
        Assert.True(await fixture.Edge.PublishDataAsync(Values(2, 1.0, null, true), CancellationToken.None));

        var data = await fixture.ReceivedAsync("NDATA", 3);
        Assert.All(data, d => Assert.Equal(0, d.QualityOfService));
        var payloads = data.Select(d => SparkplugCodec.Decode(d.Bytes)).ToList();
        Assert.Equal([1UL, 2UL, 3UL], payloads.Select(p => p.Seq!.Value));
        Assert.All(payloads.SelectMany(p => p.Metrics), m => Assert.Null(m.Name));
        Assert.Equal([(2UL, (object?)2L)], payloads[0].Metrics.Select(m => (m.Alias!.Value, m.Value)));
        Assert.Equal([(4UL, (object?)"dog"), (5UL, true)], payloads[1].Metrics.Select(m => (m.Alias!.Value, m.Value)));
        Assert.Equal([(4UL, (object?)null)], payloads[2].Metrics.Select(m => (m.Alias!.Value, m.Value)));
    }

    [Fact]
    public async Task Data_SeqWrapsAfter255_AndARebirthStartsAgainAtZero()
    {
        await using var fixture = await Fixture.StartAsync("n3");
        await fixture.Edge.PublishBirthAsync(Values(0, 0, null, null), CancellationToken.None);
        for (var i = 1; i <= 300; i++)
        {
            Assert.True(await fixture.Edge.PublishDataAsync(Values(i, 0, null, null), CancellationToken.None));
        }

        await fixture.Edge.PublishBirthAsync(Values(300, 0, null, null), CancellationToken.None);
        await fixture.Edge.PublishDataAsync(Values(301, 0, null, null), CancellationToken.None);

        var messages = await fixture.Probe.WaitUntilAsync(m => m.Count(x => x.Topic.Contains("/NBIRTH/", StringComparison.Ordinal)) == 2 && m.Count(x => x.Topic.Contains("/NDATA/", StringComparison.Ordinal)) == 301, Timeout, "301 NDATA");
        var seqs = messages.Where(m => !m.Topic.Contains("/STATE", StringComparison.Ordinal)).Select(m => SparkplugCodec.Decode(m.Bytes).Seq!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 301).Select(i => (ulong)(i % 256)).Append(0UL).Append(1UL), seqs);
    }

    [Fact]
    public async Task Data_BeforeTheBirthOfTheCurrentConnection_IsNotPublished()
    {
        await using var fixture = await Fixture.StartAsync("n4");

        Assert.False(await fixture.Edge.PublishDataAsync(Values(5, 0, null, null), CancellationToken.None));

        await fixture.Edge.PublishBirthAsync(Values(5, 0, null, null), CancellationToken.None);
        await fixture.Broker.StopAsync();
        await fixture.Broker.StartAgainAsync();
        await WaitAsync(() => fixture.Session.Connection >= 2 && fixture.Bus.IsConnected, "reconnect");

        // A new connection: no NDATA until its NBIRTH.
        Assert.False(await fixture.Edge.PublishDataAsync(Values(6, 0, null, null), CancellationToken.None));
        await fixture.Edge.PublishBirthAsync(Values(6, 0, null, null), CancellationToken.None);
        Assert.True(await fixture.Edge.PublishDataAsync(Values(7, 0, null, null), CancellationToken.None));
    }

    [Fact]
    public async Task Aliases_AreTheSameInEveryBirth_AndForEveryInstanceOfTheSameMetrics()
    {
        var probe = new SparkplugEdgeNode(new NoBus(), new SparkplugSession(new("g", "x"), null, TimeProvider.System, NullLogger<SparkplugSession>.Instance), Definitions.Reverse(), TimeProvider.System);
        await using var fixture = await Fixture.StartAsync("n5");
        await fixture.Edge.PublishBirthAsync(Values(1, 1, null, null), CancellationToken.None);
        await fixture.Edge.PublishBirthAsync(Values(2, 2, null, null), CancellationToken.None);

        var births = await fixture.ReceivedAsync("NBIRTH", 2);
        var aliases = births.Select(b => SparkplugCodec.Decode(b.Bytes).Metrics.Where(m => m.Alias is not null).ToDictionary(m => m.Name!, m => m.Alias!.Value)).ToList();
        Assert.Equal(aliases[0], aliases[1]);
        Assert.Equal(aliases[0], probe.Metrics.ToDictionary(m => m.Name, m => m.Alias));
        Assert.Equal(aliases[0].Count, aliases[0].Values.Distinct().Count());
    }

    [Theory]
    [InlineData("A/Count", 1UL)]
    [InlineData("A/Other", 2UL)]
    public void Constructor_DuplicateNameOrAlias_Throws(string name, ulong alias)
    {
        var session = new SparkplugSession(new("g", "x"), null, TimeProvider.System, NullLogger<SparkplugSession>.Instance);
        var metrics = Definitions.Append(new SparkplugMetricDefinition(name, alias, SparkplugDataType.Int64));

        Assert.Throws<ArgumentException>(() => new SparkplugEdgeNode(new NoBus(), session, metrics, TimeProvider.System));
    }

    [Fact]
    public async Task Will_OnAbruptLoss_TheBrokerPublishesTheNDeathWithTheBirthsBdSeq()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "spBv1.0/#");
        var fixture = await Fixture.StartAsync("n6", broker, probe);
        await fixture.Edge.PublishBirthAsync(Values(1, 1, null, null), CancellationToken.None);
        var birth = SparkplugCodec.Decode((await fixture.NextAsync("NBIRTH")).Bytes);

        // No DISCONNECT: the client is torn down as a crash would.
        await fixture.Loop.CancelAsync();
        await fixture.Bus.DisposeAsync();

        var death = await fixture.NextAsync("NDEATH");
        Assert.Equal(1, death.QualityOfService);
        Assert.False(death.Retain);
        var payload = SparkplugCodec.Decode(death.Bytes);
        Assert.Null(payload.Seq);
        Assert.Equal(birth.Metrics[0], Assert.Single(payload.Metrics));
    }

    [Fact]
    public async Task StopAsync_PublishesOfflineThenTheNDeath_AndNothingAfterIt()
    {
        await using var fixture = await Fixture.StartAsync("n7", statusToo: true);
        await fixture.Edge.PublishBirthAsync(Values(1, 1, null, null), CancellationToken.None);
        await fixture.NextAsync("NBIRTH");

        await fixture.Edge.CloseAsync(CancellationToken.None);
        Assert.False(await fixture.Edge.PublishDataAsync(Values(2, 1, null, null), CancellationToken.None));
        await fixture.Edge.PublishBirthAsync(Values(2, 1, null, null), CancellationToken.None);
        await fixture.StopLoopAsync();
        await fixture.Bus.StopAsync(CancellationToken.None);

        var messages = await fixture.Probe.WaitUntilAsync(m => m.Any(x => x.Topic.Contains("/NDEATH/", StringComparison.Ordinal)), Timeout, "NDEATH");
        await Task.Delay(300);
        Assert.Equal(
            ["edgenode/n7/status online", "spBv1.0/grp/NBIRTH/n7", "edgenode/n7/status offline", "spBv1.0/grp/NDEATH/n7"],
            fixture.Probe.Messages.Select(m => m.Topic.StartsWith("edgenode", StringComparison.Ordinal) ? m.Topic + " " + m.Payload : m.Topic));
        Assert.Equal(0L, SparkplugCodec.Decode(messages[^1].Bytes).Metrics.Single().Value);
    }

    [Fact]
    public void ParseCommand_RebirthTrue_ByNameOrAlias_AsksForARebirth()
    {
        var edge = Offline();

        Assert.True(edge.ParseCommand(Command(new SparkplugMetric("Node Control/Rebirth", null, SparkplugDataType.Boolean, true))).Rebirth);
        Assert.True(edge.ParseCommand(Command(new SparkplugMetric(null, 1, SparkplugDataType.Boolean, true))).Rebirth);
        var withoutDataType = new Payload { Metrics = { new Payload.Types.Metric { Name = "Node Control/Rebirth", BooleanValue = true } } };
        Assert.True(edge.ParseCommand(withoutDataType.ToByteArray()).Rebirth);
        var quiet = edge.ParseCommand(Command(new SparkplugMetric("Node Control/Rebirth", null, SparkplugDataType.Boolean, false)));
        Assert.False(quiet.Rebirth);
        Assert.Empty(quiet.Ignored);
    }

    [Theory]
    [InlineData("Unknown metric No/Such")]
    [InlineData("Metric A/Count is read-only")]
    [InlineData("takes a Boolean")]
    [InlineData("no metrics")]
    [InlineData("Not a Sparkplug B payload")]
    public void ParseCommand_AnythingElse_IsIgnoredWithAReason(string reason)
    {
        var payload = reason switch
        {
            "Unknown metric No/Such" => Command(new SparkplugMetric("No/Such", null, SparkplugDataType.Boolean, true)),
            "Metric A/Count is read-only" => Command(new SparkplugMetric(null, 2, SparkplugDataType.Int64, 5L)),
            "takes a Boolean" => Command(new SparkplugMetric("Node Control/Rebirth", null, SparkplugDataType.String, "true")),
            "no metrics" => Command(),
            _ => "{\"rebirth\":true}"u8.ToArray(),
        };

        var command = Offline().ParseCommand(payload);

        Assert.False(command.Rebirth);
        Assert.Contains(command.Ignored, r => r.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void ParseCommand_ThousandsOfRandomAndMutatedPayloads_NeverThrows()
    {
        var edge = Offline();
        var random = new Random(20261128);
        var valid = Command(
            new SparkplugMetric("Node Control/Rebirth", null, SparkplugDataType.Boolean, false) { Timestamp = DateTimeOffset.UnixEpoch },
            new SparkplugMetric(null, 3, SparkplugDataType.Double, 2.5) { Unit = "ms" });
        var randomRebirths = 0;
        var mutatedIgnored = 0;
        for (var i = 0; i < 20_000; i++)
        {
            if (i % 2 == 0)
            {
                var payload = new byte[random.Next(0, 96)];
                random.NextBytes(payload);
                randomRebirths += edge.ParseCommand(payload).Rebirth ? 1 : 0;
            }
            else
            {
                mutatedIgnored += edge.ParseCommand(Mutate(valid, random)).Ignored.Count > 0 ? 1 : 0;
            }
        }

        // Noise never reads as a rebirth; most mutations of a valid command are reported, none throws.
        Assert.Equal(0, randomRebirths);
        Assert.InRange(mutatedIgnored, 5_000, 10_000);
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = valid.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            switch (random.Next(4))
            {
                case 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(random.Next(bytes.Count), 1);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count), (byte)random.Next(256));
                    break;
                default:
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Command(params SparkplugMetric[] metrics) => SparkplugCodec.Encode(new SparkplugPayload(DateTimeOffset.UtcNow, null, metrics));

    private static SparkplugEdgeNode Offline() =>
        new(new NoBus(), new SparkplugSession(new("g", "x"), null, TimeProvider.System, NullLogger<SparkplugSession>.Instance), Definitions, TimeProvider.System);

    private static Dictionary<string, object?> Values(long count, double latency, string? label, bool? full) => new()
    {
        ["A/Count"] = count,
        ["A/Latency"] = latency,
        ["A/Label"] = label,
        ["A/Full"] = full,
    };

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(25);
        }
    }

    /// <summary>A bus that is never connected (for parsing, which needs none).</summary>
    private sealed class NoBus : IMessageBus
    {
        public bool IsConnected => false;

        public event Func<CancellationToken, Task>? Connected
        {
            add { }
            remove { }
        }

        public Task PublishAsync(BusMessage message, CancellationToken cancellationToken) => throw new MessageBusException("Not connected.");

        public Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A broker, a probe on <c>spBv1.0/#</c>, a bus whose will is the session's NDEATH, and the edge node.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly bool _ownsBroker;
        private Task? _run;

        private Fixture(MosquittoBroker broker, MqttProbe probe, MqttMessageBus bus, SparkplugSession session, SparkplugEdgeNode edge, bool ownsBroker)
        {
            Broker = broker;
            Probe = probe;
            Bus = bus;
            Session = session;
            Edge = edge;
            _ownsBroker = ownsBroker;
        }

        public MosquittoBroker Broker { get; }

        public MqttProbe Probe { get; }

        public MqttMessageBus Bus { get; }

        public SparkplugSession Session { get; }

        public SparkplugEdgeNode Edge { get; }

        public CancellationTokenSource Loop { get; } = new();

        public static async Task<Fixture> StartAsync(string node, MosquittoBroker? broker = null, MqttProbe? probe = null, bool statusToo = false)
        {
            var owns = broker is null;
            broker ??= await MosquittoBroker.StartAsync();
            probe ??= statusToo
                ? await MqttProbe.ConnectAsync(broker.Port, "spBv1.0/#", $"edgenode/{node}/status")
                : await MqttProbe.ConnectAsync(broker.Port, "spBv1.0/#");
            var session = new SparkplugSession(new SparkplugTopics("grp", node), null, TimeProvider.System, NullLogger<SparkplugSession>.Instance);
            var bus = new MqttMessageBus(
                new MqttOptions { Host = "127.0.0.1", Port = broker.Port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1, MaxReconnectDelaySeconds = 0.5 },
                new NodeTopics("edgenode", node),
                "edgenode-" + node,
                NullLogger<MqttMessageBus>.Instance,
                TimeProvider.System,
                session.CreateWillAsync);
            var fixture = new Fixture(broker, probe, bus, session, new SparkplugEdgeNode(bus, session, Definitions, TimeProvider.System), owns);
            fixture._run = bus.RunAsync(fixture.Loop.Token);
            await WaitAsync(() => bus.IsConnected, "connection");
            return fixture;
        }

        public async Task<ReceivedMessage> NextAsync(string type) => (await ReceivedAsync(type, 1))[^1];

        public async Task<IReadOnlyList<ReceivedMessage>> ReceivedAsync(string type, int count)
        {
            var messages = await Probe.WaitUntilAsync(m => m.Count(x => x.Topic.Contains($"/{type}/", StringComparison.Ordinal)) >= count, Timeout, count + " " + type);
            return messages.Where(x => x.Topic.Contains($"/{type}/", StringComparison.Ordinal)).ToList();
        }

        public async Task StopLoopAsync()
        {
            await Loop.CancelAsync();
            if (_run is not null)
            {
                await _run;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopLoopAsync();
            await Bus.DisposeAsync();
            Loop.Dispose();
            Session.Dispose();
            if (_ownsBroker)
            {
                await Probe.DisposeAsync();
                await Broker.DisposeAsync();
            }
        }
    }
}
