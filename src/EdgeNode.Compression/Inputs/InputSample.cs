namespace EdgeNode.Compression.Inputs;

/// <summary>One complete set of inputs for one model run.</summary>
/// <param name="Tensors">One tensor per model input.</param>
/// <param name="Source">Where it came from (a file, a folder, "synthesized"), for messages.</param>
internal sealed record InputSample(IReadOnlyList<InputTensor> Tensors, string Source)
{
    /// <summary>A sample of one float tensor (an image model's input).</summary>
    public static InputSample Single(string name, long[] shape, float[] values) => new([new InputTensor(name, shape, values)], "image");

    /// <summary>The tensor feeding <paramref name="name"/>, or null.</summary>
    public InputTensor? Find(string name) => Tensors.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
