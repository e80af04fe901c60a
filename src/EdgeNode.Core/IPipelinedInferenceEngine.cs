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
    /// <param name="frame">The frame.</param>
    /// <param name="embedding">Receives the embedding.</param>
    /// <param name="canReuse">
    /// The caller holds a result of the running model for this frame's camera that it may reuse: an engine that cannot
    /// finish the frame and is configured not to run it locally may then throw
    /// <see cref="RemoteInferenceUnavailableException"/> instead.
    /// </param>
    /// <param name="cancellationToken">Stops a remote call.</param>
    /// <returns>The model that computed this embedding.</returns>
    /// <exception cref="RemoteInferenceUnavailableException">Only with <paramref name="canReuse"/>: reuse the last result.</exception>
    Task<ModelInfo> EmbedAsync(Frame frame, Memory<float> embedding, bool canReuse, CancellationToken cancellationToken);
}
