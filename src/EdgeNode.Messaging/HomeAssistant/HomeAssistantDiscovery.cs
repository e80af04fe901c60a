using System.Text;
using System.Text.Json.Nodes;

namespace EdgeNode.Messaging.HomeAssistant;

/// <summary>
/// Builds the device-based discovery message for <c>{discovery}/device/{node}/config</c>: <c>dev</c>, <c>o</c> and
/// <c>cmps</c> (each with its platform <c>p</c>), abbreviated keys, availability bound to the node's retained status.
/// </summary>
public static class HomeAssistantDiscovery
{
    /// <summary>The discovery topic for <paramref name="nodeId"/>.</summary>
    public static string Topic(string discoveryPrefix, string nodeId) => $"{discoveryPrefix}/device/{nodeId}/config";

    /// <summary>The discovery payload.</summary>
    public static byte[] Build(NodeTopics topics, string softwareVersion, IEnumerable<HomeAssistantSensor> sensors) => Build(topics, softwareVersion, sensors, []);

    /// <summary>
    /// The discovery message with, for a node of several cameras, each camera's own entities: its last prediction (from
    /// the results carrying its <c>camera</c>; other cameras' results keep the state), its rate and its p95 latency.
    /// </summary>
    public static byte[] Build(NodeTopics topics, string softwareVersion, IEnumerable<HomeAssistantSensor> sensors, IReadOnlyList<string> cameras)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(sensors);
        var node = topics.NodeId;
        var components = new JsonObject
        {
            [$"{node}_prediction"] = Component("sensor", node, "prediction", "Last prediction", topics.Results, "{{ value_json.label }}",
                attributes: ("{{ {'confidence': value_json.confidence, 'novelty': value_json.novelty, 'model': value_json.model} | tojson }}", topics.Results)),
            [$"{node}_fps"] = Measurement(node, "fps", "Inference rate", topics.Telemetry, "{{ value_json.fps }}", "fps", null),
            [$"{node}_latency"] = Measurement(node, "latency", "Inference latency p50", topics.Telemetry, "{{ value_json.latencyP50Ms }}", "ms", "duration"),
            [$"{node}_outbox"] = Measurement(node, "outbox", "Outbox depth", topics.Telemetry, "{{ value_json.outboxDepth }}", "messages", null),
            [$"{node}_model"] = Component("sensor", node, "model", "Model version", topics.Telemetry, "{{ value_json.model }}", attributes: null, category: "diagnostic"),
            [$"{node}_head"] = Component("sensor", node, "head", "Head version", topics.Telemetry, "{{ value_json.headVersion }}", attributes: null, category: "diagnostic"),
            // Null telemetry values render as "None", which Home Assistant shows as unknown.
            [$"{node}_soc_temp"] = Diagnostic(Measurement(node, "soc_temp", "SoC temperature", topics.Telemetry, "{{ value_json.socTempC }}", "°C", "temperature")),
            [$"{node}_cpu"] = Diagnostic(Measurement(node, "cpu", "CPU load", topics.Telemetry, "{{ value_json.cpuPercent }}", "%", null)),
            [$"{node}_memory"] = Diagnostic(Measurement(node, "memory", "Memory used", topics.Telemetry, "{{ value_json.memUsedPercent }}", "%", null)),
            [$"{node}_throttled"] = Problem(node, "throttled", "SoC throttled", topics.Telemetry, "{{ 'ON' if value_json.throttled else 'OFF' }}"),
            [$"{node}_health"] = Problem(node, "health", "Health", topics.Telemetry, "{{ 'OFF' if value_json.health == 'healthy' else 'ON' }}",
                ("{{ {'status': value_json.health, 'failing': value_json.healthFailing} | tojson }}", topics.Telemetry)),
        };
        foreach (var sensor in sensors)
        {
            var id = $"{node}_{Slug(sensor.Sensor)}_{Slug(sensor.Quantity)}";
            components[id] = Measurement(
                node,
                $"{Slug(sensor.Sensor)}_{Slug(sensor.Quantity)}",
                $"{sensor.Sensor} {sensor.Quantity}",
                topics.Sensor(sensor.Sensor),
                $"{{{{ value_json['values']['{sensor.Quantity.Replace("'", string.Empty, StringComparison.Ordinal)}'].value }}}}",
                sensor.Unit,
                DeviceClass(sensor.Quantity));
        }

        foreach (var camera in cameras.Count > 1 ? cameras : [])
        {
            AddCamera(components, topics, node, camera);
        }

        var root = new JsonObject
        {
            ["dev"] = new JsonObject
            {
                ["ids"] = new JsonArray("edgenode_" + node),
                ["name"] = "EdgeNode " + node,
                ["mf"] = "EdgeNode",
                ["mdl"] = "edge inference node",
                ["sw"] = softwareVersion,
            },
            ["o"] = new JsonObject { ["name"] = "edgenode", ["sw"] = softwareVersion },
            ["avty_t"] = topics.Status,
            ["pl_avail"] = "online",
            ["pl_not_avail"] = "offline",
            ["qos"] = 1,
            ["cmps"] = components,
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void AddCamera(JsonObject components, NodeTopics topics, string node, string camera)
    {
        // Names are [A-Za-z0-9_-] (validated), so they are safe inside the templates' quotes.
        var key = Slug(camera);
        var select = $"(value_json.cameras | selectattr('name', 'eq', '{camera}') | first)";
        components[$"{node}_{key}_prediction"] = Component("sensor", node, $"{key}_prediction", $"{camera} prediction", topics.Results,
            $"{{% if value_json.camera == '{camera}' %}}{{{{ value_json.label }}}}{{% else %}}{{{{ states(entity_id) }}}}{{% endif %}}", attributes: null);
        components[$"{node}_{key}_fps"] = Measurement(node, $"{key}_fps", $"{camera} inference rate", topics.Telemetry, $"{{{{ {select}.fps }}}}", "fps", null);
        components[$"{node}_{key}_latency"] = Measurement(node, $"{key}_latency", $"{camera} latency p95", topics.Telemetry, $"{{{{ {select}.latencyP95Ms }}}}", "ms", "duration");
    }

    private static JsonObject Measurement(string node, string key, string name, string stateTopic, string template, string unit, string? deviceClass)
    {
        var component = Component("sensor", node, key, name, stateTopic, template, attributes: null);
        component["unit_of_meas"] = unit;
        component["stat_cla"] = "measurement";
        if (deviceClass is not null)
        {
            component["dev_cla"] = deviceClass;
        }

        return component;
    }

    private static JsonObject Diagnostic(JsonObject component)
    {
        component["ent_cat"] = "diagnostic";
        return component;
    }

    private static JsonObject Problem(string node, string key, string name, string stateTopic, string template, (string Template, string Topic)? attributes = null)
    {
        var component = Component("binary_sensor", node, key, name, stateTopic, template, attributes, category: "diagnostic");
        component["dev_cla"] = "problem";
        return component;
    }

    private static JsonObject Component(string platform, string node, string key, string name, string stateTopic, string template, (string Template, string Topic)? attributes, string? category = null)
    {
        var component = new JsonObject
        {
            ["p"] = platform,
            ["name"] = name,
            ["uniq_id"] = $"edgenode_{node}_{key}",
            ["stat_t"] = stateTopic,
            ["val_tpl"] = template,
        };
        if (attributes is { } a)
        {
            component["json_attr_t"] = a.Topic;
            component["json_attr_tpl"] = a.Template;
        }

        if (category is not null)
        {
            component["ent_cat"] = category;
        }

        return component;
    }

    private static string? DeviceClass(string quantity) => quantity.ToUpperInvariant() switch
    {
        "TEMPERATURE" => "temperature",
        "HUMIDITY" => "humidity",
        "PRESSURE" => "pressure",
        "VOLTAGE" => "voltage",
        _ => null,
    };

    private static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return builder.ToString();
    }
}
