using System.Buffers;
using System.Globalization;
using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeNode.Aggregation.Tests;

/// <summary>A real mosquitto, registered node keys, an initial head, and the aggregator host started in-process on a state folder that outlives it.</summary>
internal sealed class FleetHarness : IAsyncDisposable
{
    public const string Fleet = "test";
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, EcdsaSigner> _signers = new(StringComparer.Ordinal);
    private readonly List<IHost> _extra = [];
    private IHost? _host;

    private FleetHarness(MosquittoBroker broker, MqttProbe probe)
    {
        Broker = broker;
        Probe = probe;
    }

    public MosquittoBroker Broker { get; }

    public MqttProbe Probe { get; }

    public static string GlobalTopic => $"edgenode/fleet/{Fleet}/fl/global";

    public AggregatorService Service => _host!.Services.GetRequiredService<AggregatorService>();

    public static async Task<FleetHarness> StartAsync(IEnumerable<string> nodes, IReadOnlyList<string> classes, int dimension, FeatureScaler? scaler = null)
    {
        var broker = await MosquittoBroker.StartAsync();
        var probe = await MqttProbe.ConnectAsync(broker.Port);
        var harness = new FleetHarness(broker, probe);
        Directory.CreateDirectory(harness._directory.File("keys"));
        foreach (var node in nodes)
        {
            harness.AddNode(node);
        }

        var head = new HeadModel(dimension);
        foreach (var c in classes)
        {
            head.AddClass(c);
        }

        if (scaler is not null)
        {
            head.Restandardize(scaler);
        }

        await File.WriteAllBytesAsync(harness._directory.File("initial.head"), HeadSerializer.Serialize(head, new HeadInfo(0, DateTimeOffset.UnixEpoch, "test", 0, 0)));
        return harness;
    }

    public EcdsaSigner AddNode(string node)
    {
        var signer = EcdsaSigner.Create();
        _signers[node] = signer;
        File.WriteAllText(_directory.File(Path.Combine("keys", node + ".pem")), signer.ExportPublicKeyPem());
        return signer;
    }

    public EcdsaSigner Signer(string node) => _signers[node];

    /// <summary>Starts the aggregator (again) on the same state folder.</summary>
    public async Task StartAggregatorAsync(params string[] settings)
    {
        string[] args =
        [
            "--EdgeNode:Mqtt:Host=127.0.0.1",
            "--EdgeNode:Mqtt:Port=" + Broker.Port.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Fleet=" + Fleet,
            "--EdgeNode:Aggregator:StatePath=" + _directory.File("state"),
            "--EdgeNode:Aggregator:KeysPath=" + _directory.File("keys"),
            "--EdgeNode:Aggregator:InitialHeadPath=" + _directory.File("initial.head"),
            "--EdgeNode:Aggregator:RoundSeconds=600",
            "--EdgeNode:Aggregator:Epochs=10",
            "--EdgeNode:Aggregator:LearningRate=0.01",
            .. settings,
        ];
        var builder = AggregatorHost.Create(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _host = builder.Build();
        await _host.StartAsync();
        await Service.Ready;
    }

    /// <summary>Starts another aggregator (e.g. a site) on its own fleet and state folder; stopped on dispose.</summary>
    public async Task<IHost> StartOtherAggregatorAsync(string fleet, string instance, params string[] settings)
    {
        string[] args =
        [
            "--EdgeNode:Mqtt:Host=127.0.0.1",
            "--EdgeNode:Mqtt:Port=" + Broker.Port.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Fleet=" + fleet,
            "--EdgeNode:Aggregator:InstanceId=" + instance,
            "--EdgeNode:Aggregator:StatePath=" + _directory.File("state-" + instance),
            "--EdgeNode:Aggregator:KeysPath=" + _directory.File("keys"),
            "--EdgeNode:Aggregator:InitialHeadPath=" + _directory.File("initial.head"),
            "--EdgeNode:Aggregator:RoundSeconds=600",
            .. settings,
        ];
        var builder = AggregatorHost.Create(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var host = builder.Build();
        _extra.Add(host);
        await host.StartAsync();
        await host.Services.GetRequiredService<AggregatorService>().Ready;
        return host;
    }

    /// <summary>Writes <paramref name="signer"/>'s private key for a site's <c>SigningKeyPath</c>; returns the path.</summary>
    public string WritePrivateKey(string name, EcdsaSigner signer)
    {
        var path = _directory.File(name + ".key");
        File.WriteAllText(path, signer.ExportPrivateKeyPem());
        return path;
    }

    /// <summary>Stops the aggregator without closing the round (its state is whatever is on disk).</summary>
    public async Task StopAggregatorAsync()
    {
        if (_host is { } host)
        {
            await host.StopAsync();
            host.Dispose();
            _host = null;
        }
    }

    /// <summary>The retained global head with at least <paramref name="version"/>, read by a fresh subscriber (as a node that just came online).</summary>
    public async Task<GlobalHead> WaitGlobalAsync(long version, TimeSpan? timeout = null, string fleet = Fleet)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var global = await ReadRetainedAsync($"edgenode/fleet/{fleet}/fl/global");
            if (global is not null && global.Version >= version)
            {
                return global;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No global head v{version} within the timeout.");
    }

    /// <summary>The retained global head as a node that just came online reads it, or null (none within a second, or unparsable).</summary>
    public async Task<GlobalHead?> ReadGlobalAsync(string fleet = Fleet)
    {
        try
        {
            return await ReadRetainedAsync($"edgenode/fleet/{fleet}/fl/global");
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public async Task PublishAsync(string node, byte[] update, string fleet = Fleet)
    {
        foreach (var chunk in MessageChunks.Split(update, 256 * 1024))
        {
            await Probe.Client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"edgenode/fleet/{fleet}/fl/updates/{node}")
                .WithPayload(chunk)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
        }
    }

    /// <summary>The aggregator's head-signing public key, as a node trusts it (<c>keys/aggregators/global.pem</c>).</summary>
    public EcdsaKeyRing AggregatorKeys()
    {
        var keys = new EcdsaKeyRing();
        keys.Register("global", File.ReadAllText(_directory.File(Path.Combine("state", "global.pem"))));
        return keys;
    }

    /// <summary>Publishes <paramref name="message"/> retained on the global topic, as whoever gets past the ACL would.</summary>
    public async Task PublishGlobalAsync(byte[] message) =>
        await Probe.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(GlobalTopic).WithPayload(message).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>The update the aggregator persisted for <paramref name="node"/> in <paramref name="round"/>, or null.</summary>
    public byte[]? StoredUpdate(long round, string node)
    {
        var path = _directory.File(Path.Combine("state", "round-" + round.ToString(CultureInfo.InvariantCulture), Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(node)) + ".upd"));
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    public async Task WaitAcceptedAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Service.Coordinator.Accepted < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Service.Coordinator.Accepted} of {count} updates accepted.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAggregatorAsync();
        foreach (var host in _extra)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await Probe.DisposeAsync();
        await Broker.DisposeAsync();
        foreach (var signer in _signers.Values)
        {
            signer.Dispose();
        }

        _directory.Dispose();
    }

    private async Task<GlobalHead?> ReadRetainedAsync(string topic)
    {
        await using var probe = await MqttProbe.ConnectAsync(Broker.Port);
        GlobalHead? result = null;
        using var got = new SemaphoreSlim(0);
        probe.Client.ApplicationMessageReceivedAsync += e =>
        {
            result = GlobalHead.Parse(e.ApplicationMessage.Payload.ToArray());
            got.Release();
            return Task.CompletedTask;
        };
        await probe.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await got.WaitAsync(TimeSpan.FromSeconds(1));
        return result;
    }
}
