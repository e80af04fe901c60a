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
}
