namespace EdgeNode.Core;

/// <summary>
/// The most recent frames the pipeline took: the last one for the <c>snapshot</c> command, and a few earlier
/// ones, spaced in time, on which a new model is shadow-run against the current one before it replaces it.
/// </summary>
public interface ILastFrame
{
    /// <summary>Copies <paramref name="frame"/> (the pipeline keeps ownership of it).</summary>
    void Update(Frame frame);

    /// <summary>The last frame as a JPEG of <paramref name="quality"/> (1–100), or null before the first frame.</summary>
    FrameSnapshot? TakeJpeg(int quality);

    /// <summary>Copies of the kept frames, newest first (none before the first frame); the caller disposes them.</summary>
    IReadOnlyList<Frame> CopyRecent();
}

/// <summary>A JPEG copy of a frame.</summary>
/// <param name="Sequence">Camera frame number.</param>
/// <param name="Timestamp">Capture time.</param>
/// <param name="Width">Width in pixels (0 when a camera JPEG was passed through and not decoded).</param>
/// <param name="Height">Height in pixels (0 likewise).</param>
/// <param name="Jpeg">The JPEG bytes.</param>
public sealed record FrameSnapshot(long Sequence, DateTimeOffset Timestamp, int Width, int Height, ReadOnlyMemory<byte> Jpeg);
