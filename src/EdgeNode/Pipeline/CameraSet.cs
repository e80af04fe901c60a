using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Pipeline;

/// <summary>
/// The node's cameras as <see cref="CameraLane"/>s, all feeding the one session. The first camera without a region of
/// its own uses the node's editable region (<c>EdgeNode:Region</c>, the web page's region editor).
/// </summary>
internal sealed class CameraSet : IDisposable
{
    /// <summary>Creates a lane per configured camera.</summary>
    /// <exception cref="ArgumentException">A camera's source is unknown (the message names its key).</exception>
    public CameraSet(IOptions<CameraListOptions> options, FrameSourceFactory factory, FrameRegion editableRegion)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        var lanes = new List<CameraLane>();
        foreach (var camera in options.Value.Cameras)
        {
            // The one-camera form keeps counting into the node's shared counters, as before.
            var counters = options.Value.Cameras.Count == 1 ? factory.Counters : new CaptureCounters();
            Core.IFrameSource source;
            try
            {
                source = factory.Create(camera.Camera, counters);
            }
            catch (ArgumentException ex) when (camera.Key != CameraOptions.Section)
            {
                throw new ArgumentException($"{camera.Key}:Source ({camera.Key.Replace(":", "__", StringComparison.Ordinal)}__Source): {ex.Message}", ex);
            }

            var region = camera.Region is { } own ? FrameRegion.Fixed(own) : lanes.Count == 0 ? editableRegion : FrameRegion.Fixed(null);
            var gate = new ChangeGate(Options.Create(camera.Gate));
            lanes.Add(new CameraLane(camera.Name, source, counters, gate, region, uncapped: camera.Camera.FramesPerSecond == 0));
        }

        Lanes = lanes;
    }

    /// <summary>A set over lanes built elsewhere (tests that drive a camera of their own).</summary>
    public CameraSet(IReadOnlyList<CameraLane> lanes) => Lanes = lanes;

    /// <summary>The cameras in configuration order.</summary>
    public IReadOnlyList<CameraLane> Lanes { get; }

    /// <summary>Released once per frame queued on any lane; the inference loop waits on it when every queue is empty.</summary>
    public SemaphoreSlim Arrivals { get; } = new(0);

    /// <summary>Frames dropped by all queues.</summary>
    public long DroppedFrames => Lanes.Sum(l => l.Channel.DroppedFrames);

    /// <summary>Frames waiting in all queues.</summary>
    public int QueueDepth => Lanes.Sum(l => l.QueueDepth);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lane in Lanes)
        {
            lane.Dispose();
        }

        Arrivals.Dispose();
    }
}
