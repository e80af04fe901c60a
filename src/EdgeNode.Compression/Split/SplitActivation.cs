namespace EdgeNode.Compression.Split;

/// <summary>The activation that crosses from head to tail.</summary>
/// <param name="Tensor">The cut tensor's name (the head's output and the tail's input).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Dtype">Its ONNX element type: <c>float</c>, or <c>uint8</c>/<c>int8</c> in a QDQ model.</param>
/// <param name="Scale">For a float tensor: the int8 wire form's scale, from calibration.</param>
/// <param name="ZeroPoint">For a float tensor: the int8 wire form's zero point (0…255).</param>
/// <param name="BytesFp32">Bytes per frame as fp32 (elements × 4).</param>
/// <param name="BytesInt8">Bytes per frame in the int8 wire form (elements × 1).</param>
public sealed record SplitActivation(string Tensor, IReadOnlyList<long> Shape, string Dtype, float? Scale, int? ZeroPoint, long BytesFp32, long BytesInt8);
