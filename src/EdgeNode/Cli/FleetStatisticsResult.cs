using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>The statistics round of <c>simulate-fleet</c>.</summary>
/// <param name="Head">The discriminant of the summed statistics (the fleet's head after one round).</param>
/// <param name="HeadExact">The discriminant of the float64 sum of the nodes' statistics, without transport or noise: what compression and DP cost.</param>
/// <param name="BytesPerUpdate">Mean bytes a node published (chunk headers included).</param>
/// <param name="Messages">MQTT messages the nodes published.</param>
/// <param name="Bounded">Updates the aggregator scaled down to the per-node bound.</param>
/// <param name="Epsilon">ε at δ = 1e-5 of the round (0 without DP).</param>
/// <param name="Seconds">From the first publish to the last update taken.</param>
internal sealed record FleetStatisticsResult(HeadModel Head, HeadModel HeadExact, double BytesPerUpdate, long Messages, int Bounded, double Epsilon, double Seconds);
