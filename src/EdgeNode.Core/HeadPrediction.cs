namespace EdgeNode.Core;

/// <summary>A label from the active head, as carried in results.</summary>
/// <param name="Label">Predicted class.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="HeadVersion">Version of the head that produced it.</param>
public readonly record struct HeadPrediction(string Label, float Confidence, int HeadVersion);
