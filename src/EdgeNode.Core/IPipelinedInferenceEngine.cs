namespace EdgeNode.Core;

/// <summary>
/// An engine that finishes frames off the caller's thread and can have several in flight at once: split inference,
/// where a tail board finishes the model while this board starts the next frame. The frame path keeps up to
/// <see cref="MaxInFlight"/> calls outstanding and consumes their results in the order it started them, so results
/// stay in frame order per camera.
/// </summary>
public interface IPipelinedInferenceEngine : IInferenceEngine
{
    /// <summary>How many frames may be outstanding at once (at least 1).</summary>
    int MaxInFlight { get; }

    /// <summary>
    /// Starts <paramref name="frame"/> and completes when <paramref name="embedding"/> holds its
    /// <see cref="ModelInfo.EmbeddingSize"/> floats. The caller keeps the frame alive (undisposed) and the
    /// embedding buffer untouched until the task completes.
    /// </summary>
    /// <returns>The model that computed this embedding.</returns>
    Task<ModelInfo> EmbedAsync(Frame frame, Memory<float> embedding, CancellationToken cancellationToken);
}
