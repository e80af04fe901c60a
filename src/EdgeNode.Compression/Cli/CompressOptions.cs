using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Quantization;

namespace EdgeNode.Compression.Cli;

/// <summary>
/// The parsed <c>edgenode compress &lt;input.onnx&gt; -o &lt;output.onnx&gt; [--calibration &lt;image-dir&gt;]
/// [--calibration-count N] [--calibrator minmax|percentile|entropy] [--dynamic [--weight-type u8|s8]] [--int4 [--block-size N] [--symmetric] [--int4-method rtn|gptq]] [--dynamic-batch] [--sparsity S]
/// [--prune-channels F] [--head-data &lt;labelled-dir&gt;] [--json]</c> command line.
/// </summary>
/// <param name="Input">Float model to compress.</param>
/// <param name="Output">Where the compressed model is written (atomically).</param>
/// <param name="CalibrationDirectory">Images or tensor samples: static int8 ranges, GPTQ's layer inputs; more samples are held out for fidelity.</param>
/// <param name="CalibrationCount">Images used for calibration (the next ones, up to 100, are held out).</param>
/// <param name="Calibrator">Range estimator; <c>entropy</c> unless told (the best fidelity measured on ResNet18, docs/benchmarks.md).</param>
/// <param name="Dynamic">Dynamic quantization of MatMul/Gemm instead of static QDQ (calibration images, if given, only measure fidelity).</param>
/// <param name="Sparsity">Magnitude-pruning sparsity, 0 for none.</param>
/// <param name="PruneChannels">Fraction of conv output channels to remove, 0 for none.</param>
/// <param name="Json">Print the report as JSON.</param>
/// <param name="HeadData">Optional folder with <c>train/&lt;class&gt;</c> and <c>test/&lt;class&gt;</c> images: linear-head accuracy and top-1 agreement are reported.</param>
/// <param name="FidelityData">Optional images or tensor samples used only for the fidelity report (then the calibration folder is not split).</param>
/// <param name="Int4">4-bit weight-only quantization of MatMul/Gemm weights (<c>com.microsoft.MatMulNBits</c>).</param>
/// <param name="BlockSize">4-bit block size along K (32, 64 or 128; any power of two ≥ 16).</param>
/// <param name="Symmetric">4-bit codes around a fixed zero point (no zero-point tensor) instead of one zero point per block.</param>
/// <param name="Int4Method">How 4-bit codes are chosen: round to nearest, or GPTQ on the calibration samples (the command line's default when <c>--calibration</c> is given).</param>
/// <param name="WeightType">How <c>--dynamic</c> stores its int8 weight codes: u8 around 128 (portable) or s8 (VNNI, ARM64).</param>
/// <param name="DynamicBatch">Give the output's inputs and outputs a symbolic batch dimension (checked: a batch of two equals two runs of one).</param>
public sealed record CompressOptions(
    string Input,
    string Output,
    string? CalibrationDirectory,
    int CalibrationCount,
    CalibrationMethod Calibrator,
    bool Dynamic,
    double Sparsity,
    double PruneChannels,
    bool Json,
    string? HeadData = null,
    string? FidelityData = null,
    bool Int4 = false,
    int BlockSize = 32,
    bool Symmetric = false,
    Int4Method Int4Method = Int4Method.Rtn,
    bool DynamicBatch = false,
    WeightType WeightType = WeightType.U8);

/// <summary>How dynamic quantization stores its int8 weight codes.</summary>
public enum WeightType
{
    /// <summary>uint8 around 128: ORT's u8·u8 kernels, full fidelity on every x86 CPU (the default).</summary>
    U8,

    /// <summary>int8, zero point 0: ORT's u8·s8 kernels, faster on CPUs with VNNI and on ARM64; saturates on AVX2 without VNNI.</summary>
    S8,
}
