namespace EdgeNode.Devices.Cameras;

/// <summary>
/// Capture statistics shared by a camera source and telemetry. Thread-safe.
/// </summary>
public sealed class CaptureCounters
{
    private long _framesCaptured;
    private long _corruptFrames;
    private long _restarts;

    /// <summary>Frames handed to the consumer.</summary>
    public long FramesCaptured => Interlocked.Read(ref _framesCaptured);

    /// <summary>Frames skipped because their JPEG structure was broken or they were too large.</summary>
    public long CorruptFrames => Interlocked.Read(ref _corruptFrames);

    /// <summary>Times a child process or device was restarted after it died or failed.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    internal void FrameCaptured() => Interlocked.Increment(ref _framesCaptured);

    internal void CorruptFrame() => Interlocked.Increment(ref _corruptFrames);

    internal void Restarted() => Interlocked.Increment(ref _restarts);
}
