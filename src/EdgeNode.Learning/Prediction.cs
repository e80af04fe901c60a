namespace EdgeNode.Learning;

/// <summary>The head's answer for one embedding.</summary>
/// <param name="Label">Most probable class.</param>
/// <param name="Confidence">Its softmax probability (0..1).</param>
/// <param name="ClassIndex">Its index in the head's classes.</param>
public readonly record struct Prediction(string Label, float Confidence, int ClassIndex);
