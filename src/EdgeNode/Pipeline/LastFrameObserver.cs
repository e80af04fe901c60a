namespace EdgeNode.Pipeline;

/// <summary>Keeps every frame taken, processed or not, for <c>cmd/snapshot</c> and the shadow run of a model update.</summary>
internal sealed class LastFrameObserver(ILastFrame lastFrame) : IFrameObserver
{
    public void OnFrame(Frame frame, in FrameOutcome outcome) => lastFrame.Update(frame);
}
