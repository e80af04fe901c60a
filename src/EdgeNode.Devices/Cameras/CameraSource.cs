using EdgeNode.Core;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// What every camera source has: its <see cref="CameraOptions"/>, the <see cref="CaptureCounters"/> it reports into and
/// the clock that paces and stamps its frames. The sources differ only in where the frames come from.
/// </summary>
/// <param name="options">Frame size, rate, pixel format and restart back-off.</param>
/// <param name="counters">Where frames, corrupt frames and restarts are counted.</param>
/// <param name="clock">Clock for pacing, timestamps and back-off.</param>
public abstract class CameraSource(CameraOptions options, CaptureCounters counters, TimeProvider clock) : IFrameSource
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>Frames, corrupt frames and restarts of this source.</summary>
    public CaptureCounters Counters { get; } = counters ?? throw new ArgumentNullException(nameof(counters));

    /// <summary>The camera's options.</summary>
    protected CameraOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The clock that paces and stamps the frames.</summary>
    protected TimeProvider Clock { get; } = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <inheritdoc />
    public abstract IAsyncEnumerable<Frame> ReadFramesAsync(CancellationToken cancellationToken);
}
