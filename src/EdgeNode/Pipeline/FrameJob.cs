namespace EdgeNode.Pipeline;

/// <summary>
/// One frame between <see cref="FrameProcessor.Begin"/> and <see cref="FrameProcessor.Finish"/>: the camera's frame,
/// what the model reads (its decoded or cropped view), the embedding being written, the pending inference. Reused
/// from frame to frame (one per place in the in-flight window), so a frame allocates no job.
/// </summary>
internal sealed class FrameJob
{
    private readonly Func<ModelInfo> _run;

    /// <summary>Creates a job whose embedding holds <paramref name="embeddingSize"/> floats and that runs <paramref name="embed"/> on a pool thread.</summary>
    public FrameJob(int embeddingSize, Func<FrameJob, ModelInfo> embed)
    {
        Embedding = new float[embeddingSize];

        // One delegate per job, not one closure per frame.
        _run = () => embed(this);
    }

    /// <summary>The camera the frame came from.</summary>
    public CameraLane Lane { get; private set; } = null!;

    /// <summary>The camera's frame (what the observers see); owned by the job until <see cref="Clear"/>.</summary>
    public Frame Frame { get; private set; } = null!;

    /// <summary>The decoded JPEG, when the frame was one; owned by the job.</summary>
    public Frame? Decoded { get; set; }

    /// <summary>The region cut out of the frame, when one is set; owned by the job.</summary>
    public Frame? Cropped { get; set; }

    /// <summary>What the model reads: the crop, the decoded image, or the frame itself.</summary>
    public Frame? Input { get; set; }

    /// <summary>Where the engine writes the embedding.</summary>
    public float[] Embedding { get; private set; }

    /// <summary>Result id, drawn when the frame was taken.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Stopwatch timestamp at which the frame was taken from its queue.</summary>
    public long Started { get; set; }

    /// <summary>True when the change gate reuses the camera's last result.</summary>
    public bool Cached { get; set; }

    /// <summary>Why the frame could not be processed, or null.</summary>
    public string? Error { get; set; }

    /// <summary>The inference in flight, or null (cached, failed).</summary>
    public Task<ModelInfo>? Pending { get; set; }

    /// <summary>Takes <paramref name="frame"/> of <paramref name="lane"/> into the job.</summary>
    public void Reset(CameraLane lane, Frame frame, int embeddingSize)
    {
        Lane = lane;
        Frame = frame;
        if (Embedding.Length != embeddingSize)
        {
            Embedding = new float[embeddingSize]; // a swapped model with another embedding size
        }
    }

    /// <summary>True on the last job of what was started as one unit (a frame alone or a batch): the in-flight count drops when it finishes.</summary>
    public bool EndsUnit { get; set; }

    /// <summary>The batch this job was the last of, handed back when the job finishes.</summary>
    public FrameBatch? Batch { get; set; }

    /// <summary>True while the job counts as a running inference for the trainer (split inference path).</summary>
    public bool ActivityOpen { get; set; }

    /// <summary>Runs the embed function on a pool thread, for an engine that has no asynchronous path.</summary>
    public Task<ModelInfo> RunOnPool() => Task.Run(_run);

    /// <summary>Disposes the frames and forgets the frame's state.</summary>
    public void Clear()
    {
        Cropped?.Dispose();
        Decoded?.Dispose();
        Frame?.Dispose();
        Cropped = null;
        Decoded = null;
        Input = null;
        Frame = null!;
        Pending = null;
        Cached = false;
        Error = null;
        EndsUnit = false;
    }
}
