namespace EdgeNode.Devices.Sensors;

/// <summary>Health of one polled sensor, for telemetry.</summary>
/// <param name="Sensor">Configured name.</param>
/// <param name="Reads">Successful reads since start.</param>
/// <param name="Failures">Failed reads since start.</param>
/// <param name="ConsecutiveFailures">Failed reads since the last success (0 = healthy).</param>
/// <param name="LastError">Message of the most recent failure, or <see langword="null"/>.</param>
/// <param name="LastSuccess">Time of the most recent successful read, or <see langword="null"/>.</param>
public sealed record SensorStatus(string Sensor, long Reads, long Failures, int ConsecutiveFailures, string? LastError, DateTimeOffset? LastSuccess);
