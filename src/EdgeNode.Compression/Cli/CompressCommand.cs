using System.Globalization;
using System.Text.Json;

namespace EdgeNode.Compression.Cli;

/// <summary><c>edgenode compress</c>: compress a model and print what it gained and lost.</summary>
public static class CompressCommand
{
    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>compress</c>. Returns the exit code: 0 done, 1 failed, 64 bad command line.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CompressOptions options;
        try
        {
            options = CompressOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            await stderr.WriteLineAsync(CompressOptions.Usage);
            return ExitCodes.Usage;
        }

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
