using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Quantization;

namespace EdgeNode.Compression.Cli;

/// <summary><c>edgenode compress</c>: compress a model and print what it gained and lost.</summary>
public static class CompressCommand
{
    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>compress</c>. Returns the exit code: 0 done, 1 failed, 64 bad command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        CommandLineRunner.InvokeAsync(Create(), args, "edgenode", stdout, stderr, cancellationToken);

    /// <summary>The <c>compress</c> verb: its flags, checks and help, parsed into <see cref="CompressOptions"/>.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input.onnx") { Description = "The float model to compress." }.NoFlags();
        var output = new Option<string>("--output", "-o") { Description = "Where the compressed model is written (atomically).", Required = true, HelpName = "output.onnx" };
        var calibration = new Option<string?>("--calibration") { Description = "Images or tensor samples for calibration (static int8 ranges, GPTQ's layer inputs; with --dynamic only fidelity); more are held out to measure fidelity.", HelpName = "dir" };
        var count = new Option<int>("--calibration-count") { Description = "Samples used for calibration (the next ones, up to 100, are held out).", DefaultValueFactory = _ => 100, HelpName = "N" }.Positive();
        var calibrator = new Option<string>("--calibrator") { Description = "Range estimator.", DefaultValueFactory = _ => "entropy" };
        calibrator.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var dynamic = new Option<bool>("--dynamic") { Description = "Dynamic int8 quantization of MatMul/Gemm weights (activations quantized at run time) instead of static QDQ." };
        var int4 = new Option<bool>("--int4") { Description = "4-bit weight-only quantization of MatMul weights (com.microsoft.MatMulNBits)." };
        var blockSize = new Option<int?>("--block-size") { Description = "4-bit block size along K: a power of two >= 16 (32, 64 or 128; default 32).", HelpName = "N" };
        var symmetric = new Option<bool>("--symmetric") { Description = "4-bit codes around a fixed zero point instead of one zero point per block." };
        var int4Method = new Option<string?>("--int4-method") { Description = "How 4-bit codes are chosen: rtn (round to nearest) or gptq (error compensation on the --calibration samples; the default when --calibration is given).", HelpName = "rtn|gptq" };
        int4Method.AcceptOnlyFromAmong("rtn", "gptq");
        var sparsity = new Option<double>("--sparsity") { Description = "Magnitude-pruning sparsity (0 for none).", HelpName = "S" }.Fraction();
        var prune = new Option<double>("--prune-channels") { Description = "Fraction of conv output channels to remove (0 for none).", HelpName = "F" }.Fraction();
        var headData = new Option<string?>("--head-data") { Description = "Folder with train/<class> and test/<class> images: report linear-head accuracy and top-1 agreement.", HelpName = "labelled-dir" };
        var fidelityData = new Option<string?>("--fidelity-data") { Description = "Images or tensor samples used only for the fidelity report (the calibration folder is then not split).", HelpName = "dir" };
        var weightType = new Option<string?>("--weight-type") { Description = "How --dynamic stores int8 weight codes: u8 (around 128; full fidelity on every x86 CPU, the default) or s8 (faster with VNNI and on ARM64; saturates on AVX2 without VNNI).", HelpName = "u8|s8" };
        weightType.AcceptOnlyFromAmong("u8", "s8");
        var dynamicBatch = new Option<bool>("--dynamic-batch") { Description = "Give the model a symbolic batch dimension, so the node can run frames of several cameras as one batch (checked: a batch of two equals two runs of one)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("compress", "Quantize (int8 static or dynamic, 4-bit weights) and prune an ONNX model, and report what it gained and lost.")
        {
            input, output, calibration, count, calibrator, dynamic, weightType, int4, blockSize, symmetric, int4Method, dynamicBatch, sparsity, prune, headData, fidelityData, json,
        };
        command.Validators.Add(r =>
        {
            // The token, not GetValue: an unknown method is already an error of its own, and GetValue would throw on it.
            var method = r.GetResult(int4Method) is { Tokens: [var token, ..] } ? token.Value : null;
            var isInt4 = r.GetValue(int4);
            if (r.GetValue(calibration) is null && !r.GetValue(dynamic) && !isInt4 && r.GetValue(sparsity) == 0 && r.GetValue(prune) == 0 && !r.GetValue(dynamicBatch))
            {
                r.AddError("Nothing to do: give --calibration <dir> for static int8, --dynamic, --int4, --sparsity, --prune-channels or --dynamic-batch.");
            }
            else if (r.GetResult(weightType) is { Tokens.Count: > 0 } && !r.GetValue(dynamic))
            {
                r.AddError("--weight-type applies to --dynamic.");
            }
            else if (isInt4 && r.GetValue(dynamic))
            {
                r.AddError("--int4 and --dynamic are two ways to quantize the same weights; give one.");
            }
            else if (!isInt4 && (r.GetValue(blockSize) is not null || r.GetValue(symmetric) || method is not null))
            {
                r.AddError("--block-size, --symmetric and --int4-method apply to --int4.");
            }
            else if (method == "gptq" && r.GetValue(calibration) is null)
            {
                r.AddError("--int4-method gptq needs --calibration <dir>: it weighs rounding errors by the layers' inputs on those samples.");
            }
            else if (r.GetValue(blockSize) is { } b && (b < 16 || (b & (b - 1)) != 0))
            {
                r.AddError($"--block-size must be a power of two >= 16 (32, 64 or 128); got '{b}'.");
            }
        });
        command.SetAction((p, ct) => RunAsync(
            new CompressOptions(
                p.GetRequiredValue(input),
                p.GetRequiredValue(output),
                p.GetValue(calibration),
                p.GetValue(count),
                p.GetRequiredValue(calibrator) switch
                {
                    "minmax" => CalibrationMethod.MinMax,
                    "percentile" => CalibrationMethod.Percentile,
                    _ => CalibrationMethod.Entropy,
                },
                p.GetValue(dynamic),
                p.GetValue(sparsity),
                p.GetValue(prune),
                p.GetValue(json),
                p.GetValue(headData),
                p.GetValue(fidelityData),
                p.GetValue(int4),
                p.GetValue(blockSize) ?? 32,
                p.GetValue(symmetric),
                (p.GetValue(int4Method) ?? (p.GetValue(calibration) is null ? "rtn" : "gptq")) == "gptq" ? Int4Method.Gptq : Int4Method.Rtn,
                p.GetValue(dynamicBatch),
                p.GetValue(weightType) == "s8" ? WeightType.S8 : WeightType.U8),
            p.InvocationConfiguration.Output,
            p.InvocationConfiguration.Error,
            ct));
        return command;
    }

    /// <summary>Compresses as <paramref name="options"/> say. Returns the exit code: 0 done, 1 failed.</summary>
    public static async Task<int> RunAsync(CompressOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var progress = new SynchronousProgress(message => stderr.WriteLine(message));
            var report = await ModelCompressor.CompressAsync(options, progress, cancellationToken);
            if (options.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(report, ReportJsonContext.Default.CompressionReport));
            }
            else
            {
                await stdout.WriteAsync(Format(report));
            }

            return 0;
        }
        catch (CompressionException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    internal static string Format(CompressionReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"compressed {r.Input} -> {r.Output}"),
        };
        lines.AddRange(r.Steps.Select(s => "  step: " + s));
        if (r.Preprocessing is not null)
        {
            lines.Add(string.Create(c, $"  calibration: {r.CalibrationImages} images, {r.SkippedImages} skipped (undecodable); pre-processing {r.Preprocessing}"));
        }

        if (r.FloatOps.Count > 0)
        {
            lines.Add("  left in float: " + string.Join(", ", r.FloatOps));
        }

        lines.AddRange(r.KeptInFloat.Select(k => "  kept in float: " + k));

        lines.Add(string.Create(c, $"  size: {r.SizeBefore:N0} -> {r.SizeAfter:N0} bytes ({(double)r.SizeAfter / r.SizeBefore:P1}); gzip {r.CompressedSizeBefore:N0} -> {r.CompressedSizeAfter:N0} ({(double)r.CompressedSizeAfter / r.CompressedSizeBefore:P1})"));
        lines.Add("  ops before (ORT-optimized): " + string.Join(", ", r.OpsBefore.Select(kv => $"{kv.Key}×{kv.Value}")));
        lines.Add("  ops after (ORT-optimized):  " + string.Join(", ", r.OpsAfter.Select(kv => $"{kv.Key}×{kv.Value}")));
        lines.Add(string.Create(c, $"  integer kernels: {r.IntegerKernels}"));
        lines.Add(string.Create(c, $"  latency ({r.Threads} threads, interleaved): p50 {r.LatencyBefore.P50Ms:F2} -> {r.LatencyAfter.P50Ms:F2} ms, p95 {r.LatencyBefore.P95Ms:F2} -> {r.LatencyAfter.P95Ms:F2} ms; speed-up {r.Speedup:F2}x"));
        lines.Add(string.Create(c, $"  fidelity on {r.Fidelity.Samples} {r.Fidelity.Source} ({r.Fidelity.Compared}): cosine mean {r.Fidelity.MeanCosine:F5}, p5 {r.Fidelity.P5Cosine:F5}, min {r.Fidelity.MinCosine:F5}"));
        if (r.Head is { } h)
        {
            lines.Add(string.Create(c, $"  linear head ({h.Classes} classes, {h.TrainImages} train / {h.TestImages} test images): input model {h.InputModelAccuracy:P1}, drop-in {h.DropInAccuracy:P1} (top-1 agreement {h.Top1Agreement:P1}), retrained on output features {h.RetrainedAccuracy:P1}"));
        }

        return string.Join('\n', lines) + "\n";
    }
}
