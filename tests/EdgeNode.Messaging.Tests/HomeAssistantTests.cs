using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Messaging.HomeAssistant;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace EdgeNode.Messaging.Tests;

/// <summary>Home Assistant device discovery: the payload's schema, and publishing through a real mosquitto.</summary>
public sealed class HomeAssistantTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // Full names Home Assistant abbreviates (core/homeassistant/components/mqtt/abbreviations.py); discovery uses the short forms.
    private static readonly Dictionary<string, string> Abbreviations = new()
    {
        ["device"] = "dev", ["origin"] = "o", ["components"] = "cmps", ["platform"] = "p", ["state_topic"] = "stat_t",
        ["unique_id"] = "uniq_id", ["value_template"] = "val_tpl", ["unit_of_measurement"] = "unit_of_meas",
        ["device_class"] = "dev_cla", ["state_class"] = "stat_cla", ["availability_topic"] = "avty_t",
        ["payload_available"] = "pl_avail", ["payload_not_available"] = "pl_not_avail", ["json_attributes_topic"] = "json_attr_t",
        ["json_attributes_template"] = "json_attr_tpl", ["entity_category"] = "ent_cat", ["identifiers"] = "ids",
        ["manufacturer"] = "mf", ["model"] = "mdl", ["sw_version"] = "sw",
    };

    private static readonly HashSet<string> KnownKeys =
    [
        "dev", "o", "cmps", "p", "stat_t", "uniq_id", "val_tpl", "unit_of_meas", "dev_cla", "stat_cla", "avty_t", "pl_avail",
        "pl_not_avail", "json_attr_t", "json_attr_tpl", "ent_cat", "ids", "mf", "mdl", "sw", "name", "qos",
    ];

    [Fact]
    public void Build_SeveralCameras_EachGetsItsPredictionRateAndLatency()
    {
        var topics = new NodeTopics("edgenode", "n1");
        var one = JsonDocument.Parse(HomeAssistantDiscovery.Build(topics, "0.1.0", [], ["camera"])).RootElement.GetProperty("cmps");
        var json = HomeAssistantDiscovery.Build(topics, "0.1.0", [], ["door", "yard"]);
        var root = JsonDocument.Parse(json).RootElement;

        AssertKeys(root);
        var components = root.GetProperty("cmps").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(one.EnumerateObject().Count() + 6, components.Count); // one camera: the node's entities are its own
        var door = components["n1_door_prediction"];
        Assert.Equal("edgenode/n1/results", door.GetProperty("stat_t").GetString());
        Assert.Contains("value_json.camera == 'door'", door.GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Contains("states(entity_id)", door.GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Contains("'yard'", components["n1_yard_fps"].GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Equal("edgenode/n1/telemetry", components["n1_yard_latency"].GetProperty("stat_t").GetString());
        Assert.Equal(components.Count, components.Values.Select(c => c.GetProperty("uniq_id").GetString()).Distinct().Count());
    }

    [Fact]
    public void Build_DeviceOriginAndComponents_WithPlatformAndAbbreviatedKeys()
    {
        var topics = new NodeTopics("edgenode", "cam-1");
        var json = HomeAssistantDiscovery.Build(topics, "0.1.0", [new HomeAssistantSensor("room", "temperature", "°C"), new HomeAssistantSensor("soc", "temperature", "°C")]);
        var root = JsonDocument.Parse(json).RootElement;

        AssertKeys(root);
        Assert.Equal("edgenode/cam-1/status", root.GetProperty("avty_t").GetString());
        Assert.Equal("online", root.GetProperty("pl_avail").GetString());
        Assert.Equal("offline", root.GetProperty("pl_not_avail").GetString());
        Assert.Equal("edgenode_cam-1", root.GetProperty("dev").GetProperty("ids")[0].GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("dev").GetProperty("name").GetString()));
        Assert.Equal("edgenode", root.GetProperty("o").GetProperty("name").GetString());

        var components = root.GetProperty("cmps").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(13, components.Count);
        foreach (var (_, component) in components)
        {
            Assert.True(component.GetProperty("p").GetString() is "sensor" or "binary_sensor", component.ToString());
            Assert.StartsWith("edgenode/cam-1/", component.GetProperty("stat_t").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(component.GetProperty("uniq_id").GetString()));
            Assert.Contains("value_json", component.GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(components.Count, components.Values.Select(c => c.GetProperty("uniq_id").GetString()).Distinct().Count());
        var prediction = components["cam-1_prediction"];
        Assert.Equal("edgenode/cam-1/results", prediction.GetProperty("stat_t").GetString());
        Assert.Contains("confidence", prediction.GetProperty("json_attr_tpl").GetString(), StringComparison.Ordinal);
        var soc = components["cam-1_soc_temperature"];
        Assert.Equal("edgenode/cam-1/sensors/soc", soc.GetProperty("stat_t").GetString());
        Assert.Equal("temperature", soc.GetProperty("dev_cla").GetString());
        Assert.Equal("°C", soc.GetProperty("unit_of_meas").GetString());
        Assert.Equal("ms", components["cam-1_latency"].GetProperty("unit_of_meas").GetString());
        Assert.Contains("outboxDepth", components["cam-1_outbox"].GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Contains("model", components["cam-1_model"].GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Contains("fps", components["cam-1_fps"].GetProperty("val_tpl").GetString(), StringComparison.Ordinal);

        // Board health from telemetry: SoC temperature, CPU, memory as diagnostic sensors; throttling and health as problems.
        var socTemp = components["cam-1_soc_temp"];
        Assert.Equal("edgenode/cam-1/telemetry", socTemp.GetProperty("stat_t").GetString());
        Assert.Equal("temperature", socTemp.GetProperty("dev_cla").GetString());
        Assert.Contains("socTempC", socTemp.GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        Assert.Equal("%", components["cam-1_cpu"].GetProperty("unit_of_meas").GetString());
        Assert.Contains("headVersion", components["cam-1_head"].GetProperty("val_tpl").GetString(), StringComparison.Ordinal);
        foreach (var key in new[] { "cam-1_throttled", "cam-1_health" })
        {
            Assert.Equal("binary_sensor", components[key].GetProperty("p").GetString());
            Assert.Equal("problem", components[key].GetProperty("dev_cla").GetString());
            Assert.Equal("diagnostic", components[key].GetProperty("ent_cat").GetString());
        }
    }

    [Fact]
    public async Task Publisher_OverMosquitto_RetainedOnConnect_ResentWhenHomeAssistantComesOnline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = new MqttMessageBus(
            new MqttOptions { Host = "127.0.0.1", Port = broker.Port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1 },
            new NodeTopics("edgenode", "ha1"), "edgenode-ha1", NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        var publisher = new HomeAssistantPublisher(bus, new NodeTopics("edgenode", "ha1"), new HomeAssistantOptions { DiscoveryPrefix = "ha-test" }, "0.1.0", () => [], NullLogger<HomeAssistantPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var loop = bus.RunAsync(cts.Token);

        var deadline = DateTime.UtcNow + Timeout;
        while (publisher.Published == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "discovery not published on connect");
            await Task.Delay(25);
        }

        // A late subscriber still gets it: retained.
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "ha-test/device/+/config");
        // (If the probe subscribed just before the broker stored it, a live copy arrives first: wait for the retained one.)
        var seen = await probe.WaitUntilAsync(m => m.Any(x => x.Retain), Timeout, "retained discovery");
        var retained = seen.First(x => x.Retain);
        Assert.Equal("ha-test/device/ha1/config", retained.Topic);
        AssertKeys(JsonDocument.Parse(retained.Payload).RootElement);
        var before = seen.Count;

        await using var homeAssistant = await MqttProbe.ConnectAsync(broker.Port);
        await homeAssistant.Client.PublishStringAsync("ha-test/status", "offline");
        await homeAssistant.Client.PublishStringAsync("ha-test/status", "online");
        var again = await probe.WaitUntilAsync(m => m.Count > before, Timeout, "discovery re-sent");
        Assert.Equal(retained.Payload, again[^1].Payload);

        // The count goes up once the broker's PUBACK is back, which can be after the probe already has the copy.
        var acknowledged = DateTime.UtcNow + Timeout;
        while (publisher.Published < 2)
        {
            Assert.True(DateTime.UtcNow < acknowledged, "the re-send was not acknowledged");
            await Task.Delay(25);
        }

        Assert.Equal(2, publisher.Published);

        await cts.CancelAsync();
        await loop;
        await publisher.StopAsync(CancellationToken.None);
    }

    private static void AssertKeys(JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
        {
            Assert.False(Abbreviations.ContainsKey(property.Name), $"'{property.Name}' should be abbreviated");
            Assert.True(KnownKeys.Contains(property.Name), $"unexpected key '{property.Name}'");
            if (property.Name == "cmps")
            {
                foreach (var component in property.Value.EnumerateObject())
                {
                    AssertKeys(component.Value);
                }
            }
            else if (property.Value.ValueKind == JsonValueKind.Object)
            {
                AssertKeys(property.Value);
            }
        }
    }
}
