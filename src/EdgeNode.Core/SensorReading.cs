namespace EdgeNode.Core;

/// <summary>One measured value of one sensor.</summary>
/// <param name="Sensor">Configured sensor name (topic segment).</param>
/// <param name="Quantity">What is measured: <c>temperature</c>, <c>humidity</c>, <c>pressure</c>, <c>voltage</c>…</param>
/// <param name="Value">The value in <paramref name="Unit"/>.</param>
/// <param name="Unit">SI-style unit symbol: <c>°C</c>, <c>%</c>, <c>hPa</c>, <c>V</c>.</param>
/// <param name="Timestamp">When it was read (UTC).</param>
public sealed record SensorReading(string Sensor, string Quantity, double Value, string Unit, DateTimeOffset Timestamp);
