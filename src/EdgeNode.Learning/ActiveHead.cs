using EdgeNode.Common;
using EdgeNode.Core;

namespace EdgeNode.Learning;

/// <summary>
/// The head the pipeline applies. Swapped atomically as a whole (a trained head is never modified after it
/// is published here), so inference never sees a half-updated head.
/// </summary>
public sealed class ActiveHead : IEmbeddingClassifier
{
    private volatile Snapshot? _current;

    /// <summary>The head in use, or null before the first one is trained or loaded.</summary>
    public Snapshot? Current => _current;

    /// <summary>Publishes <paramref name="head"/>; the caller must not modify it afterwards.</summary>
    public void Swap(HeadModel head, HeadInfo info)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(info);
        _current = new Snapshot(head, info);
    }

    /// <summary>Classifies <paramref name="embedding"/>; null when there is no head or the embedding is not finite.</summary>
    public HeadPrediction? Classify(ReadOnlySpan<float> embedding)
    {
        var current = _current;
        if (current is null || current.Head.Classes.Count == 0 || embedding.Length != current.Head.InputSize || !EmbeddingGuard.IsFinite(embedding))
        {
            return null;
        }

        var count = current.Head.Classes.Count;
        Span<float> probabilities = count <= 256 ? stackalloc float[count] : new float[count];
        var prediction = current.Head.Predict(embedding, probabilities);
        return new HeadPrediction(prediction.Label, prediction.Confidence, current.Info.Version);
    }

    /// <summary>A published head and its provenance.</summary>
    /// <param name="Head">The head (never modified).</param>
    /// <param name="Info">Its version and provenance.</param>
    public sealed record Snapshot(HeadModel Head, HeadInfo Info);
}
