using System.Globalization;
using EdgeNode.Compression.Calibration;

namespace EdgeNode.Compression.Cli;

/// <summary>
/// The parsed <c>edgenode compress &lt;input.onnx&gt; -o &lt;output.onnx&gt; [--calibration &lt;image-dir&gt;]
/// [--calibration-count N] [--calibrator minmax|percentile|entropy] [--dynamic] [--sparsity S]
/// [--prune-channels F] [--head-data &lt;labelled-dir&gt;] [--json]</c> command line.
/// </summary>
/// <param name="Input">Float model to compress.</param>
/// <param name="Output">Where the compressed model is written (atomically).</param>
/// <param name="CalibrationDirectory">Images for static int8 calibration; more images are held out for fidelity.</param>
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
    bool Symmetric = false)
{
    /// <summary>The usage line printed with parse errors.</summary>
    public const string Usage =
        "usage: edgenode compress <input.onnx> -o <output.onnx> [--calibration <image-dir>] [--calibration-count N] " +
        "[--calibrator minmax|percentile|entropy] [--dynamic] [--sparsity S] [--prune-channels F] [--head-data <labelled-dir>] " +
        "[--int4 [--block-size 32|64|128] [--symmetric]] [--fidelity-data <dir>] [--json]";

    /// <summary>Parses the words after <c>compress</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value or a value out of range.</exception>
    public static CompressOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? input = null, output = null, calibration = null, headData = null, fidelityData = null;
        bool int4 = false, symmetric = false;
        int? blockSize = null;
        var count = 100;
        var calibrator = CalibrationMethod.Entropy;
        bool dynamic = false, json = false;
        double sparsity = 0, prune = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "-o" or "--output":
                    output = Value();
                    break;
                case "--calibration":
                    calibration = Value();
                    break;
                case "--calibration-count":
                    count = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n : throw new ArgumentException("--calibration-count must be a positive integer.");
                    break;
                case "--calibrator":
                    calibrator = Value() switch
                    {
                        "minmax" => CalibrationMethod.MinMax,
                        "percentile" => CalibrationMethod.Percentile,
                        "entropy" => CalibrationMethod.Entropy,
                        var other => throw new ArgumentException($"Unknown calibrator '{other}' (minmax, percentile or entropy)."),
                    };
                    break;
                case "--dynamic":
                    dynamic = true;
                    break;
                case "--sparsity":
                    sparsity = Fraction(arg, Value());
                    break;
                case "--prune-channels":
                    prune = Fraction(arg, Value());
                    break;
                case "--json":
                    json = true;
                    break;
                case "--head-data":
                    headData = Value();
                    break;
                case "--fidelity-data":
                    fidelityData = Value();
                    break;
                case "--int4":
                    int4 = true;
                    break;
                case "--symmetric":
                    symmetric = true;
                    break;
                case "--block-size":
                    blockSize = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 16 && (b & (b - 1)) == 0
                        ? b : throw new ArgumentException($"--block-size must be a power of two ≥ 16 (32, 64 or 128); got '{args[i]}'.");
                    break;
                default:
                    if (arg.StartsWith('-') || input is not null)
                    {
                        throw new ArgumentException($"Unexpected argument '{arg}'.");
                    }

                    input = arg;
                    break;
            }
        }

        if (input is null || output is null)
        {
            throw new ArgumentException("An input model and -o <output.onnx> are required.");
        }

        if (calibration is null && !dynamic && !int4 && sparsity == 0 && prune == 0)
        {
            throw new ArgumentException("Nothing to do: give --calibration <image-dir> for static int8, --dynamic, --int4, --sparsity or --prune-channels.");
        }

        if (int4 && dynamic)
        {
            throw new ArgumentException("--int4 and --dynamic are two ways to quantize the same weights; give one.");
        }

        if (!int4 && (blockSize is not null || symmetric))
        {
            throw new ArgumentException("--block-size and --symmetric apply to --int4.");
        }

        return new CompressOptions(input, output, calibration, count, calibrator, dynamic, sparsity, prune, json, headData, fidelityData, int4, blockSize ?? 32, symmetric);
    }

    private static double Fraction(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and < 1
            ? v : throw new ArgumentException($"{name} must be a number in [0, 1); got '{text}'.");
}
