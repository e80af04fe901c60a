using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Inputs;

/// <summary>One named input tensor: its shape and its values (an array of the element type).</summary>
/// <param name="Name">Model input it feeds.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Values, row-major: float[], long[], int[], short[], sbyte[], byte[], bool[] or double[].</param>
internal sealed record InputTensor(string Name, long[] Shape, Array Data)
{
    /// <summary>The ONNX element type of <see cref="Data"/>.</summary>
    public int ElementType => ElementTypes.Of(Data);

    /// <summary>An ORT value over <see cref="Data"/> (no copy); the caller disposes it.</summary>
    public OrtValue ToOrtValue() => Data switch
    {
        float[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        double[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        long[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        int[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        short[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        byte[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        bool[] a => OrtValue.CreateTensorValueFromMemory(a, Shape),
        _ => throw new CompressionException($"Tensor '{Name}' has an unsupported element type."),
    };
}
