using System.Numerics.Tensors;
using EdgeNode.Compression.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeNode.Compression.Split;

/// <summary>
/// Loads a head and a tail in ONNX Runtime (so both are valid models) and runs them chained, with the activation
/// as fp32 and through the int8 wire form, against the whole model's outputs.
/// </summary>
internal static class ChainCheck
{
    /// <summary>The lowest cosine over <paramref name="samples"/>, fp32 and int8 (the same for an activation that is already 8-bit).</summary>
    /// <remarks>The whole model runs with the same session options as the halves: a QDQ model's integer kernels and its
    /// unoptimized float simulation differ by more than the split does.</remarks>
    public static (double Fp32, double Int8) Run(byte[] model, byte[] head, byte[] tail, IReadOnlyList<float[]> samples, long[] inputShape, QuantParams? wire)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        try
        {
            using var wholeSession = new InferenceSession(model, options);
            using var headSession = new InferenceSession(head, options);
            using var tailSession = new InferenceSession(tail, options);
            var headIn = headSession.InputMetadata.Keys.Single();
            var headOut = headSession.OutputMetadata.Keys.Single();
            var tailOut = tailSession.OutputMetadata.Keys.First();
            double fp32 = 1, int8 = 1;
            using var runOptions = new RunOptions();
            for (var i = 0; i < samples.Count; i++)
            {
                using var x = OrtValue.CreateTensorValueFromMemory(samples[i], inputShape);
                using var w = wholeSession.Run(runOptions, [headIn], [x], [tailOut]);
                var whole = w[0].GetTensorDataAsSpan<float>();
                using var h = headSession.Run(runOptions, [headIn], [x], [headOut]);
                var info = h[0].GetTensorTypeAndShape();
                using (var t = tailSession.Run(runOptions, [headOut], [h[0]], [tailOut]))
                {
                    fp32 = Math.Min(fp32, TensorPrimitives.CosineSimilarity(t[0].GetTensorDataAsSpan<float>(), whole));
                }

                if (wire is not { } q || info.ElementDataType != TensorElementType.Float)
                {
                    int8 = fp32;
                    continue;
                }

                var activation = h[0].GetTensorDataAsSpan<float>();
                var codes = new byte[activation.Length];
                var restored = new float[activation.Length];
                ActivationCodec.Quantize(activation, q.Scale, q.ZeroPoint, codes);
                ActivationCodec.Dequantize(codes, q.Scale, q.ZeroPoint, restored);
                using var r = OrtValue.CreateTensorValueFromMemory(restored, info.Shape);
                using var t8 = tailSession.Run(runOptions, [headOut], [r], [tailOut]);
                int8 = Math.Min(int8, TensorPrimitives.CosineSimilarity(t8[0].GetTensorDataAsSpan<float>(), whole));
            }

            return (fp32, int8);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime rejected the split halves: {ex.Message}", ex);
        }
    }
}
