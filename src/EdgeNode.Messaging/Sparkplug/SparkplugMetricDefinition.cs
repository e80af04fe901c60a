namespace EdgeNode.Messaging.Sparkplug;

/// <summary>A metric the edge node reports: declared with its alias in every NBIRTH, then sent by alias in NDATA.</summary>
/// <param name="Name">Metric name (<c>/</c> separates folders, as in <c>Inference/FPS</c>).</param>
/// <param name="Alias">Alias, unique within the edge node.</param>
/// <param name="DataType">Data type; values must be of its CLR type (see <see cref="SparkplugMetric"/>).</param>
/// <param name="Unit">Engineering unit, sent as the <c>engUnit</c> property in the NBIRTH; null for none.</param>
public sealed record SparkplugMetricDefinition(string Name, ulong Alias, SparkplugDataType DataType, string? Unit = null);
