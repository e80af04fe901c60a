using EdgeNode.Compression.Evaluation;

namespace EdgeNode.Compression;

/// <summary>What <c>edgenode compress</c> did and measured.</summary>
public sealed record CompressionReport
{
    /// <summary>Input model path.</summary>
    public required string Input { get; init; }

    /// <summary>Output model path.</summary>
    public required string Output { get; init; }

    /// <summary>Steps applied, in order (e.g. "fold-batchnorm: 20", "quantize-static: minmax, 21 tensors").</summary>
    public required IReadOnlyList<string> Steps { get; init; }

    /// <summary>Op types left in float, if any.</summary>
    public required IReadOnlyList<string> FloatOps { get; init; }

    /// <summary>MatMul/Gemm layers weight quantization kept in float, each with the reason (e.g. attention's activation × activation products).</summary>
    public IReadOnlyList<string> KeptInFloat { get; init; } = [];

    /// <summary>With <c>--int4</c>: bytes of the float weights of the quantized MatMul/Gemm layers.</summary>
    public long? QuantizedWeightBytesBefore { get; init; }

    /// <summary>With <c>--int4</c>: bytes of their 4-bit codes, scales and zero points.</summary>
    public long? QuantizedWeightBytesAfter { get; init; }

    /// <summary>How calibration images were pre-processed, when images were used.</summary>
    public string? Preprocessing { get; init; }

    /// <summary>Calibration images used.</summary>
    public int CalibrationImages { get; init; }

    /// <summary>Image files skipped because they could not be decoded.</summary>
    public int SkippedImages { get; init; }

    /// <summary>Input file size in bytes.</summary>
    public long SizeBefore { get; init; }

    /// <summary>Output file size in bytes.</summary>
    public long SizeAfter { get; init; }

    /// <summary>Input size after gzip (what pruning zeros buy on the wire).</summary>
    public long CompressedSizeBefore { get; init; }

    /// <summary>Output size after gzip.</summary>
    public long CompressedSizeAfter { get; init; }

    /// <summary>Fraction of zero weights in Conv/Gemm/MatMul after magnitude pruning, when requested.</summary>
    public double? WeightSparsity { get; init; }

    /// <summary>Op histogram of the input after ONNX Runtime's optimizer.</summary>
    public required IReadOnlyDictionary<string, int> OpsBefore { get; init; }

    /// <summary>Op histogram of the output after ONNX Runtime's optimizer.</summary>
    public required IReadOnlyDictionary<string, int> OpsAfter { get; init; }

    /// <summary>Integer convolution/matrix kernels in <see cref="OpsAfter"/>.</summary>
    public int IntegerKernels { get; init; }

    /// <summary>Intra-op threads used for timing.</summary>
    public int Threads { get; init; }

    /// <summary>Input model latency, interleaved with <see cref="LatencyAfter"/>.</summary>
    public required LatencyStats LatencyBefore { get; init; }

    /// <summary>Output model latency.</summary>
    public required LatencyStats LatencyAfter { get; init; }

    /// <summary>Median latency before divided by median latency after.</summary>
    public double Speedup => LatencyAfter.P50Ms > 0 ? LatencyBefore.P50Ms / LatencyAfter.P50Ms : 0;

    /// <summary>Output agreement with the input model.</summary>
    public required FidelityStats Fidelity { get; init; }

    /// <summary>Linear-head accuracy on a labelled folder, when <c>--head-data</c> was given.</summary>
    public HeadAccuracy? Head { get; init; }
}
