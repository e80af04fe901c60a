namespace EdgeNode.Web;

/// <summary>
/// The last frame as a JPEG, shared by every viewer: taken at most once per stream interval however many browsers
/// watch, so viewers cost the pipeline one encode per interval (none for JPEG cameras, whose frames pass through).
/// </summary>
public sealed class LiveJpeg(ILastFrame lastFrame, IOptions<WebOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private FrameSnapshot? _cached;
    private long _takenAt;

    /// <summary>Interval between two frames of the stream.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(1.0 / options.Value.StreamFramesPerSecond);

    /// <summary>The latest frame (at most one interval old), or null before the first.</summary>
    /// <exception cref="InvalidDataException">The last frame cannot be encoded.</exception>
    public FrameSnapshot? Latest()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_cached is null || time.GetElapsedTime(_takenAt, now) >= Interval * 0.9)
            {
                _cached = lastFrame.TakeJpeg(75) ?? _cached;
                _takenAt = now;
            }

            return _cached;
        }
    }
}
