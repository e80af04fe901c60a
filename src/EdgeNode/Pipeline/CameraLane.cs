using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Pipeline;

/// <summary>
/// One camera's path up to the shared session: its source, its own bounded queue (a slow or dead camera never fills
/// another's), change gate, region, counters, and the state that must not mix between cameras (the last result the
/// gate reuses, the novelty mean). The per-camera state is touched only by the pipeline's inference loop.
/// </summary>
internal sealed class CameraLane : IDisposable
{
    /// <summary>Creates a lane.</summary>
    public CameraLane(string name, IFrameSource source, CaptureCounters counters, ChangeGate gate, FrameRegion region, bool uncapped)
    {
        Name = name;
        Source = source;
        Counters = counters;
        Gate = gate;
        Region = region;
        Room = uncapped ? new SemaphoreSlim(Channel.Capacity, Channel.Capacity) : null;
    }

    /// <summary>The camera's name (<c>camera</c> in results).</summary>
    public string Name { get; }

    /// <summary>Where its frames come from.</summary>
    public IFrameSource Source { get; }

    /// <summary>Capture statistics of this camera alone.</summary>
    public CaptureCounters Counters { get; }

    /// <summary>Its queue: drop-oldest, so capture never waits for inference.</summary>
    public FrameChannel Channel { get; } = new(capacity: 4);

    /// <summary>Its change gate.</summary>
    public ChangeGate Gate { get; }

    /// <summary>Its region crop.</summary>
    public FrameRegion Region { get; }

    /// <summary>
    /// True for a source asked to run as fast as it can (<c>FramesPerSecond=0</c>): its capture waits for room in the
    /// queue instead of dropping, so it produces exactly as fast as the node consumes.
    /// </summary>
    public bool Uncapped => Room is not null;

    /// <summary>With <see cref="Uncapped"/>: free places in the queue, taken by capture and given back by the inference loop.</summary>
    public SemaphoreSlim? Room { get; }

    /// <summary>Decodes this camera's JPEGs once for the gate and the model; inference loop only.</summary>
    public JpegFrameDecoder Decoder { get; } = new();

    /// <summary>Inference counters and latencies of this camera.</summary>
    public NodeMetrics Metrics { get; } = new();

    /// <summary>Last result of this camera (what the change gate reuses); inference loop only.</summary>
    public InferenceResult? Last { get; set; }

    /// <summary>The embedding behind <see cref="Last"/>; inference loop only.</summary>
    public float[]? LastEmbedding { get; set; }

    /// <summary>Running mean of this camera's embeddings; inference loop only.</summary>
    public NoveltyTracker? Novelty { get; set; }

    /// <summary>Keeps <paramref name="result"/> and its embedding as what the change gate reuses.</summary>
    public void Remember(InferenceResult result, ReadOnlySpan<float> embedding)
    {
        Last = result;
        if (result.Cached)
        {
            return;
        }

        if (LastEmbedding is null || LastEmbedding.Length != embedding.Length)
        {
            LastEmbedding = new float[embedding.Length];
        }

        embedding.CopyTo(LastEmbedding);
    }

    /// <summary>Frames queued for this camera that the inference loop has not taken yet.</summary>
    public int QueueDepth => Channel.Count;

    /// <summary>True once its capture ended for good (the source gave up); the others run on.</summary>
    public bool Ended { get; set; }

    /// <summary>Why its capture ended, when it failed.</summary>
    public Exception? Failure { get; set; }

    /// <inheritdoc />
    public void Dispose()
    {
        Channel.Dispose();
        Gate.Dispose();
        Decoder.Dispose();
        Room?.Dispose();
    }
}
