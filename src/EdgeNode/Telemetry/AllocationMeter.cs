namespace EdgeNode.Telemetry;

/// <summary>
/// Managed bytes allocated per frame and gen-0 collections per 1,000 frames between two telemetry snapshots, for the
/// whole process (capture, inference, storage and MQTT together: what a frame really costs the collector).
/// </summary>
internal sealed class AllocationMeter
{
    private readonly Lock _gate = new();
    private long _bytes = GC.GetTotalAllocatedBytes(precise: false);
    private int _gen0 = GC.CollectionCount(0);
    private long _frames;

    /// <summary>The figures since the last call, given the frames processed so far; zero when no frame was processed since.</summary>
    public (double BytesPerFrame, double Gen0Per1000Frames) Sample(long framesSoFar)
    {
        lock (_gate)
        {
            var bytes = GC.GetTotalAllocatedBytes(precise: false);
            var gen0 = GC.CollectionCount(0);
            var frames = framesSoFar - _frames;
            if (frames <= 0)
            {
                return (0, 0);
            }

            var result = ((bytes - _bytes) / (double)frames, (gen0 - _gen0) * 1000.0 / frames);
            (_bytes, _gen0, _frames) = (bytes, gen0, framesSoFar);
            return result;
        }
    }
}
