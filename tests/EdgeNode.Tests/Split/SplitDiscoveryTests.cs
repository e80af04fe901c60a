using System.Text.Json;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Split;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Split;

/// <summary>
/// The split discovery topics on a real mosquitto: a tail announces itself retained on
/// <c>edgenode/{node}/split/tail</c> and clears it when it stops; a head with <c>Peer=auto</c> takes its tail from there
/// and keeps its own status on <c>edgenode/{node}/split/head</c>.
/// </summary>
public sealed class SplitDiscoveryTests
{
    [Fact]
    public async Task AutoPeer_TakesTheAnnouncedTail_StreamsToItAndForgetsItWhenItStops()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var models = SplitModels.Create();
        var manifest = SplitCut.Load(models.CutFolder).Manifest;
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/+/split/#");
        var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next(), "tail7", broker.Port);

        var announced = await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/tail7/split/tail" && x.Payload.Length > 0), TimeSpan.FromSeconds(30), "the tail's announcement");
        using (var json = JsonDocument.Parse(announced.Last(x => x.Topic == "edgenode/tail7/split/tail").Payload))
        {
            var root = json.RootElement;
            Assert.Equal(tail.Url, root.GetProperty("url").GetString());
            Assert.Equal(manifest.ModelSha256, root.GetProperty("modelSha256").GetString());
            Assert.Equal(manifest.TailSha256, root.GetProperty("tailSha256").GetString());
            Assert.Equal(manifest.Cut!.Tensor, root.GetProperty("cut").GetString());
            Assert.Equal(0, root.GetProperty("streams").GetInt32());
        }

        // The head: its own bus, discovery and link, with the peer left to discovery.
        var cut = SplitCut.Load(models.CutFolder);
        var topics = new NodeTopics("edgenode", "head3");
        var identity = new NodeIdentity("head3", topics);
        await using var bus = new MqttMessageBus(new MqttOptions { Host = "127.0.0.1", Port = broker.Port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1 }, topics, "edgenode-head3", NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        var options = Options.Create(new SplitOptions { Role = "head", Peer = "auto", Cut = models.CutFolder, StatusSeconds = 1 });
        var status = new SplitStatus("head");
        var peers = new SplitPeers("auto", manifest.TailSha256!);
        using var discovery = new SplitDiscoveryService(bus, identity, status, options, TimeProvider.System, NullLogger<SplitDiscoveryService>.Instance, peers);
        using var link = new SplitLink(cut, peers, status, options, identity, TimeProvider.System, NullLogger<SplitLink>.Instance);
        using var stop = new CancellationTokenSource();
        await discovery.StartAsync(CancellationToken.None);
        var loop = bus.RunAsync(stop.Token);
        await link.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => status.Mode == "active" && status.Peer == tail.Url, "the head streams to the announced tail");
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/head3/split/head" && x.Payload.Contains("\"split\":\"active\"", StringComparison.Ordinal) && x.Payload.Contains(tail.Url, StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the head's status names its tail");
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/tail7/split/tail" && x.Payload.Contains("\"streams\":1", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the tail's load counts the head's stream");

        // The tail stops: its retained announcement is cleared and the head, with no tail left, degrades.
        await tail.DisposeAsync();
        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/tail7/split/tail" && x.Payload.Length == 0 && x.Retain == false), TimeSpan.FromSeconds(30), "the announcement cleared");
        await Eventually.TrueAsync(() => peers.Resolve() is null, "the head forgot the tail");
        await Eventually.TrueAsync(() => status.Mode == "degraded", "the head is degraded");
        await using (var late = await MqttProbe.ConnectAsync(broker.Port, "edgenode/+/split/#"))
        {
            // A newcomer gets the retained split topics at once: the head's status, and no tail any more.
            var retained = await late.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/head3/split/head"), TimeSpan.FromSeconds(30), "the head's retained status");
            Assert.DoesNotContain(retained, x => x.Topic == "edgenode/tail7/split/tail");
        }

        await link.StopAsync(CancellationToken.None);
        await discovery.StopAsync(CancellationToken.None);
        await stop.CancelAsync();
        await loop;
    }
}
