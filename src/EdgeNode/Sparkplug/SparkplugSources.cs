using EdgeNode.Telemetry;

namespace EdgeNode.Sparkplug;

/// <summary>Where the Sparkplug metric values come from at one moment.</summary>
/// <param name="Telemetry">The latest telemetry snapshot; null before the first.</param>
/// <param name="Prediction">The latest inference result; null before the first.</param>
/// <param name="Live">The latest sensor readings.</param>
/// <param name="SoftwareVersion">The node's version.</param>
internal sealed record SparkplugSources(TelemetrySnapshot? Telemetry, InferenceResult? Prediction, LiveValues Live, string SoftwareVersion);
