namespace EdgeNode.Pipeline;

/// <summary>
/// A per-frame side effect of the pipeline (kept frames, recent images and embeddings, live values, metrics), called
/// on the pipeline's loop after <see cref="FrameProcessor"/> is done with each frame and before the result is stored.
/// Keep it cheap: the next frame waits. The frame and the embedding are valid only during the call.
/// </summary>
public interface IFrameObserver
{
    /// <summary>Sees <paramref name="frame"/> and what became of it.</summary>
    void OnFrame(Frame frame, in FrameOutcome outcome);
}
