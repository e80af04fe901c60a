using EdgeNode.Messaging.HomeAssistant;
using EdgeNode.Messaging.Sparkplug;

namespace EdgeNode.Sparkplug;

/// <summary>
/// The node's Sparkplug metrics (docs/mqtt.md): names, aliases, data types and units, and where each value comes
/// from. Built-in metrics have fixed aliases (2–99); sensor metrics follow the configured sensors in order from 101.
/// </summary>
internal static class SparkplugMetricCatalog
{
    /// <summary>First alias of the sensor metrics.</summary>
    public const ulong FirstSensorAlias = 101;

    private static readonly Builtin[] Builtins =
    [
        new("Properties/Software Version", 2, SparkplugDataType.String, null, s => s.SoftwareVersion),
        new("Properties/Model", 3, SparkplugDataType.String, null, s => s.Telemetry?.Model),
        new("Properties/Execution Provider", 4, SparkplugDataType.String, null, s => s.Telemetry?.ExecutionProvider),
        new("Properties/Camera", 5, SparkplugDataType.String, null, s => s.Telemetry?.Camera),
        new("Node/Uptime", 6, SparkplugDataType.Double, "s", s => Round(s.Telemetry?.UptimeSeconds, 0)),
        new("Inference/FPS", 7, SparkplugDataType.Double, "fps", s => Round(s.Telemetry?.Fps, 2)),
        new("Inference/Latency P50", 8, SparkplugDataType.Double, "ms", s => Round(s.Telemetry?.LatencyP50Ms, 2)),
        new("Inference/Latency P95", 9, SparkplugDataType.Double, "ms", s => Round(s.Telemetry?.LatencyP95Ms, 2)),
        new("Inference/Count", 10, SparkplugDataType.Int64, null, s => s.Telemetry?.Inferences),
        new("Inference/Queue Depth", 11, SparkplugDataType.Int64, null, s => (long?)s.Telemetry?.QueueDepth),
        new("Frames/Captured", 12, SparkplugDataType.Int64, null, s => s.Telemetry?.FramesIn),
        new("Frames/Dropped", 13, SparkplugDataType.Int64, null, s => s.Telemetry?.FramesDropped),
        new("Frames/Skipped", 14, SparkplugDataType.Int64, null, s => s.Telemetry?.FramesSkipped),
        new("Frames/Failed", 15, SparkplugDataType.Int64, null, s => s.Telemetry?.FramesFailed),
        new("Frames/Capture Restarts", 16, SparkplugDataType.Int64, null, s => s.Telemetry?.CaptureRestarts),
        new("Outbox/Depth", 17, SparkplugDataType.Int64, null, s => s.Telemetry?.OutboxDepth),
        new("Outbox/Oldest Pending Age", 18, SparkplugDataType.Double, "s", s => Round(s.Telemetry?.OldestPendingAgeSeconds, 1)),
        new("Outbox/Dropped", 19, SparkplugDataType.Int64, null, s => s.Telemetry?.OutboxDropped),
        new("Storage/Full", 20, SparkplugDataType.Boolean, null, s => s.Telemetry?.StorageFull),
        new("Storage/Write Failures", 21, SparkplugDataType.Int64, null, s => s.Telemetry?.StorageWriteFailures),
        new("System/CPU", 22, SparkplugDataType.Double, "%", s => Round(s.Telemetry?.System.CpuPercent, 1)),
        new("System/Memory Used", 23, SparkplugDataType.Double, "%", s => Round(s.Telemetry?.System.MemoryUsedPercent, 1)),
        new("System/Process Memory", 24, SparkplugDataType.Int64, "B", s => s.Telemetry?.System.ProcessRssBytes),
        new("System/SoC Temperature", 25, SparkplugDataType.Double, "°C", s => Round(s.Telemetry?.System.SocTemperatureC, 1)),
        new("System/Throttled", 26, SparkplugDataType.Boolean, null, s => s.Telemetry?.System.Throttled),
        new("Head/Version", 27, SparkplugDataType.Int64, null, s => s.Telemetry?.HeadVersion),
        new("Prediction/Label", 28, SparkplugDataType.String, null, s => s.Prediction?.Label),
        new("Prediction/Confidence", 29, SparkplugDataType.Double, null, s => Round(s.Prediction?.Confidence, 4)),
        new("Prediction/Novelty", 30, SparkplugDataType.Double, null, s => Round(s.Prediction?.Novelty, 4)),
        new("Prediction/Head Version", 31, SparkplugDataType.Int64, null, s => (long?)s.Prediction?.HeadVersion),
    ];

    /// <summary>Every metric for the configured <paramref name="sensors"/> (after the reserved <c>Node Control/Rebirth</c>).</summary>
    public static IReadOnlyList<SparkplugMetricDefinition> Definitions(IReadOnlyList<HomeAssistantSensor> sensors)
    {
        var list = Builtins.Select(b => b.Definition).ToList();
        var alias = FirstSensorAlias;
        foreach (var group in sensors.GroupBy(s => s.Sensor, StringComparer.Ordinal))
        {
            foreach (var quantity in group)
            {
                list.Add(new SparkplugMetricDefinition(SensorMetric(group.Key, quantity.Quantity), alias++, SparkplugDataType.Double, quantity.Unit));
            }

            list.Add(new SparkplugMetricDefinition(FailingMetric(group.Key), alias++, SparkplugDataType.Boolean));
        }

        return list;
    }

    /// <summary>The current value of every metric of <see cref="Definitions"/>.</summary>
    public static Dictionary<string, object?> Values(IReadOnlyList<HomeAssistantSensor> sensors, SparkplugSources sources)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var builtin in Builtins)
        {
            values[builtin.Definition.Name] = builtin.Value(sources);
        }

        foreach (var sensor in sensors)
        {
            values[SensorMetric(sensor.Sensor, sensor.Quantity)] = Round(sources.Live.Reading(sensor.Sensor, sensor.Quantity)?.Value, 3);
            values[FailingMetric(sensor.Sensor)] = sources.Telemetry?.SensorsFailing.Contains(sensor.Sensor, StringComparer.Ordinal);
        }

        return values;
    }

    private static string SensorMetric(string sensor, string quantity) => $"Sensors/{sensor}/{quantity}";

    private static string FailingMetric(string sensor) => $"Sensors/{sensor}/Failing";

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private sealed record Builtin(SparkplugMetricDefinition Definition, Func<SparkplugSources, object?> Value)
    {
        public Builtin(string name, ulong alias, SparkplugDataType type, string? unit, Func<SparkplugSources, object?> value)
            : this(new SparkplugMetricDefinition(name, alias, type, unit), value)
        {
        }
    }
}
