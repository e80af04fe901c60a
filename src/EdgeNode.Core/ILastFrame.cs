namespace EdgeNode.Core;

/// <summary>The most recent frame the pipeline took, kept for the <c>snapshot</c> command.</summary>
public interface ILastFrame
{
    /// <summary>Copies <paramref name="frame"/> (the pipeline keeps ownership of it).</summary>
    void Update(Frame frame);

    /// <summary>The last frame as a JPEG of <paramref name="quality"/> (1–100), or null before the first frame.</summary>
    FrameSnapshot? TakeJpeg(int quality);
}

/// <summary>A JPEG copy of a frame.</summary>
/// <param name="Sequence">Camera frame number.</param>
/// <param name="Timestamp">Capture time.</param>
/// <param name="Width">Width in pixels (0 when a camera JPEG was passed through and not decoded).</param>
/// <param name="Height">Height in pixels (0 likewise).</param>
/// <param name="Jpeg">The JPEG bytes.</param>
public sealed record FrameSnapshot(long Sequence, DateTimeOffset Timestamp, int Width, int Height, ReadOnlyMemory<byte> Jpeg);
