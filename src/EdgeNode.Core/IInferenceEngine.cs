namespace EdgeNode.Core;

/// <summary>Turns a frame into an embedding with the backbone model.</summary>
public interface IInferenceEngine
{
    /// <summary>The model this engine runs.</summary>
    ModelInfo Model { get; }

    /// <summary>
    /// Pre-processes <paramref name="frame"/> and runs the backbone, writing
    /// <see cref="ModelInfo.EmbeddingSize"/> floats into <paramref name="embedding"/>.
    /// </summary>
    /// <returns>The model that computed this embedding (an engine whose model is swapped at run time may differ between calls).</returns>
    ModelInfo Embed(Frame frame, Span<float> embedding);

    /// <summary>
    /// Embeds <paramref name="frames"/>, writing frame i's <see cref="ModelInfo.EmbeddingSize"/> floats at
    /// <c>i × EmbeddingSize</c> of <paramref name="embeddings"/>: in one run when the model takes a batch
    /// (<see cref="ModelInfo.MaxBatch"/> &gt; 1 and no more frames than that), else one frame at a time (this default).
    /// </summary>
    /// <returns>The model that computed these embeddings.</returns>
    /// <exception cref="InvalidDataException">A frame cannot be pre-processed; no embedding of this call is valid then.</exception>
    ModelInfo EmbedBatch(IReadOnlyList<Frame> frames, Span<float> embeddings) => EmbedEach(this, frames, embeddings);

    /// <summary><see cref="EmbedBatch"/> as one <see cref="Embed"/> per frame (engines without a batched run, and batches larger than the model takes).</summary>
    /// <returns>The model that computed the last embedding.</returns>
    static ModelInfo EmbedEach(IInferenceEngine engine, IReadOnlyList<Frame> frames, Span<float> embeddings)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(frames);
        var model = engine.Model;
        for (var i = 0; i < frames.Count; i++)
        {
            model = engine.Embed(frames[i], embeddings.Slice(i * model.EmbeddingSize, model.EmbeddingSize));
        }

        return model;
    }
}
