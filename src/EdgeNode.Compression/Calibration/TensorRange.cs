namespace EdgeNode.Compression.Calibration;

/// <summary>The calibrated float range of one activation tensor.</summary>
/// <param name="Min">Lower bound.</param>
/// <param name="Max">Upper bound.</param>
internal readonly record struct TensorRange(float Min, float Max);
