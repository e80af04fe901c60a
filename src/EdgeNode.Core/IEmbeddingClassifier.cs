namespace EdgeNode.Core;

/// <summary>
/// Labels an embedding with the head in use. Inference needs it (a candidate backbone is compared with the current one
/// through the same head before it is installed) without depending on how heads are trained.
/// </summary>
public interface IEmbeddingClassifier
{
    /// <summary>The label of <paramref name="embedding"/>; null when there is no head, or the embedding does not fit it or is not finite.</summary>
    HeadPrediction? Classify(ReadOnlySpan<float> embedding);
}
