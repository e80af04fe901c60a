namespace EdgeNode.Pipeline;

/// <summary>What the <see cref="FrameProcessor"/> made of one frame, for the <see cref="IFrameObserver"/>s.</summary>
public readonly ref struct FrameOutcome
{
    /// <summary>Creates an outcome.</summary>
    public FrameOutcome(InferenceResult? result, ReadOnlySpan<float> embedding, long completedTimestamp)
    {
        Result = result;
        Embedding = embedding;
        CompletedTimestamp = completedTimestamp;
    }

    /// <summary>The result; null when the frame could not be processed (corrupt, or refused by the pre-processing).</summary>
    public InferenceResult? Result { get; }

    /// <summary>The embedding behind <see cref="Result"/> (for a cached result, the last one inferred); empty on failure.</summary>
    public ReadOnlySpan<float> Embedding { get; }

    /// <summary>Stopwatch timestamp at which the processing ended (the end of <see cref="InferenceResult.LatencyMs"/>).</summary>
    public long CompletedTimestamp { get; }
}
