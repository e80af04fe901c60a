using System.Numerics.Tensors;
using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Calibration;

/// <summary>
/// Computes activation ranges: one pass for min/max; percentile and entropy add a second pass that
/// fills a histogram of absolute values over [0, max|x|] per tensor.
/// </summary>
internal static class RangeCalibrator
{
    private const int Bins = 2048;

    /// <summary>Ranges from calibration images fed to the model's single float input of <paramref name="inputShape"/>.</summary>
    public static Dictionary<string, TensorRange> Compute(
        ModelProto model,
        IReadOnlyList<string> tensorNames,
        IReadOnlyList<float[]> inputs,
        long[] inputShape,
        CalibrationMethod method,
        int threads,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var name = model.Graph.Input[0].Name;
        return Compute(model, tensorNames, [.. inputs.Select(i => InputSample.Single(name, inputShape, i))], method, threads, progress, cancellationToken);
    }

    /// <summary>Ranges from complete input samples (any model: token ids, masks, several tensors).</summary>
    public static Dictionary<string, TensorRange> Compute(
        ModelProto model,
        IReadOnlyList<string> tensorNames,
        IReadOnlyList<InputSample> inputs,
        CalibrationMethod method,
        int threads,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        if (inputs.Count == 0)
        {
            throw new CompressionException("No calibration inputs.");
        }

        using var collector = new ActivationCollector(model, tensorNames, [], threads);
        var ranges = tensorNames.ToDictionary(n => n, _ => new TensorRange(float.MaxValue, float.MinValue), StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            collector.Collect(inputs[i], (name, values, _) =>
            {
                var r = ranges[name];
                ranges[name] = new TensorRange(Math.Min(r.Min, TensorPrimitives.Min(values)), Math.Max(r.Max, TensorPrimitives.Max(values)));
            });
            Report(progress, "calibrating (min/max)", i + 1, inputs.Count);
        }

        if (method == CalibrationMethod.MinMax)
        {
            return ranges;
        }

        var histograms = tensorNames.ToDictionary(n => n, _ => new double[Bins], StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            collector.Collect(inputs[i], (name, values, _) => Accumulate(histograms[name], values, AbsMax(ranges[name])));
            Report(progress, $"calibrating ({method.ToString().ToLowerInvariant()} histograms)", i + 1, inputs.Count);
        }

        var result = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        foreach (var (name, range) in ranges)
        {
            var absMax = AbsMax(range);
            var levels = range.Min >= 0 ? 255 : 128;
            var threshold = method == CalibrationMethod.Percentile
                ? HistogramThresholds.Percentile(histograms[name], absMax, 99.999)
                : HistogramThresholds.Entropy(histograms[name], absMax, levels);
            result[name] = new TensorRange(Math.Max(range.Min, -threshold), Math.Min(range.Max, threshold));
        }

        return result;
    }

    private static float AbsMax(TensorRange r) => Math.Max(Math.Abs(r.Min), Math.Abs(r.Max));

    /// <summary>
    /// Adds |x| of the non-zero values. Exact zeros (half of a Relu output) are left out: they are exact in
    /// any range that contains 0, and as a spike in the first bin they would make the KL search prefer
    /// the narrowest range, clipping everything else.
    /// </summary>
    internal static void Accumulate(double[] histogram, ReadOnlySpan<float> values, float absMax)
    {
        if (absMax <= 0)
        {
            return;
        }

        var scale = histogram.Length / absMax;
        foreach (var v in values)
        {
            if (v != 0)
            {
                var bin = (int)(Math.Abs(v) * scale);
                histogram[Math.Min(bin, histogram.Length - 1)]++;
            }
        }
    }

    private static void Report(IProgress<string>? progress, string step, int done, int total)
    {
        if (progress is not null && (done == total || done % 10 == 0))
        {
            progress.Report($"{step}: {done}/{total}");
        }
    }
}
