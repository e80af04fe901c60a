namespace EdgeNode.Pipeline;

/// <summary>Turns a head's prediction into a result's label: below <see cref="PredictionOptions.UnknownBelow"/> it is <c>unknown</c>.</summary>
public sealed class PredictionPolicy(IOptionsMonitor<PredictionOptions> options)
{
    /// <summary>The label to report for <paramref name="prediction"/> (null without one).</summary>
    public string? LabelOf(HeadPrediction? prediction) =>
        prediction is null ? null
        : IsUnknown(prediction.Value.Confidence, options.CurrentValue.UnknownBelow) ? PredictionOptions.Unknown
        : prediction.Value.Label;

    // 1 means "never name a class": a saturated softmax (the discriminant head's often is) reports exactly 1.0.
    private static bool IsUnknown(float confidence, double threshold) => threshold >= 1 || confidence < threshold;
}
