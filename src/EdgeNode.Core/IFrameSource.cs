namespace EdgeNode.Core;

/// <summary>A camera or any other producer of frames.</summary>
public interface IFrameSource
{
    /// <summary>A short description for logs and telemetry (e.g. <c>synthetic</c>, <c>v4l2:/dev/video0</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Yields frames until cancelled. The consumer owns each frame and must dispose it.
    /// Sources that can fail transiently (a child process, a device) recover inside this loop.
    /// </summary>
    IAsyncEnumerable<Frame> ReadFramesAsync(CancellationToken cancellationToken);
}
