using System.IO.Compression;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Inputs;
using EdgeNode.Compression.Pruning;
using EdgeNode.Compression.Transforms;
using Google.Protobuf;

namespace EdgeNode.Compression;

/// <summary>
/// The <c>compress</c> pipeline: load, fold BatchNormalization, prune, quantize, check the result loads in
/// ONNX Runtime, write it atomically, then measure size, ops, latency and fidelity against the input.
/// </summary>
public static class ModelCompressor
{
    /// <summary>Runs the pipeline described by <paramref name="options"/>.</summary>
    /// <exception cref="CompressionException">Bad model, calibration folder or output path; nothing is written.</exception>
    public static Task<CompressionReport> CompressAsync(CompressOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        // ORT and the transforms are CPU-bound and synchronous; keep the caller's thread free.
        return Task.Run(() => Compress(options, progress, cancellationToken), cancellationToken);
    }

    private static CompressionReport Compress(CompressOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(options.Output))!;
        if (!Directory.Exists(outputDirectory))
        {
            throw new CompressionException($"The output folder '{outputDirectory}' does not exist.");
        }

        if (options.HeadData is not null)
        {
            HeadEvaluator.CheckLayout(options.HeadData);
        }

        var threads = Environment.ProcessorCount;
        var inputBytes = ReadInput(options.Input);
        var original = OnnxModelFile.Parse(inputBytes, options.Input);
        var model = original.Clone();
        var steps = new List<string>();
        var folded = BatchNormFolder.Fold(model.Graph);
        steps.Add($"fold-batchnorm: {folded} folded");

        var data = CompressionInputs.Load(options, original, progress, cancellationToken);
        var images = data.Images;
        var imageShape = data.ImageShape;
        if (options.PruneChannels > 0)
        {
            // With calibration images, the convs that lose input channels are reconstructed by least squares.
            var magnitudes = images is null ? null : ChannelStatistics.ConvInputMagnitudes(model, images.Calibration, imageShape!, threads, cancellationToken);
            var plan = ChannelPruner.Plan(model.Graph, options.PruneChannels, magnitudes);
            var refit = images is null ? null : ConsumerRefit.Collect(model, plan, images.Calibration, imageShape!, threads, progress, cancellationToken);
            var pruned = ChannelPruner.Apply(model.Graph, plan, refit, threads);
            steps.Add($"prune-channels: {options.PruneChannels:P0} of each prunable group, {pruned.RemovedChannels} channels in {pruned.Groups} groups removed, {pruned.Refitted} consuming convs reconstructed by least squares on calibration images");
        }

        double? sparsity = null;
        if (options.Sparsity > 0)
        {
            sparsity = MagnitudePruner.Apply(model.Graph, options.Sparsity);
            steps.Add($"magnitude-prune: {sparsity:P1} of weights zero");
        }

        var quantized = QuantizationStep.Run(model, options, data, threads, progress, cancellationToken);
        steps.AddRange(quantized.Steps);
        if (options.DynamicBatch)
        {
            var batched = DynamicBatch.Apply(model);
            steps.Add($"dynamic-batch: {string.Join(", ", batched)} take a '{DynamicBatch.DimensionName}' dimension");
        }

        var outputBytes = model.ToByteArray();
        progress?.Report("checking the output loads in ONNX Runtime");
        using var before = new ModelSession(inputBytes, SessionSettings.Cpu(threads));
        using var after = new ModelSession(outputBytes, SessionSettings.Cpu(threads));
        if (options.DynamicBatch)
        {
            steps.Add(CheckBatch(after));
        }

        OnnxModelFile.WriteAtomic(options.Output, outputBytes);

        progress?.Report("measuring");
        var opsAfter = OpHistogram.AfterOptimization(outputBytes, threads);
        var sample = data.Latency(before.Inputs);
        var latency = LatencyMeter.MeasureInterleaved([before, after], [sample, sample], warmup: 5, runs: 40, progress, cancellationToken);
        var (fidelitySamples, fidelitySource) = data.Fidelity(before.Inputs);
        var fidelity = FidelityStats.Measure(before, after, fidelitySamples, fidelitySource);
        var head = options.HeadData is null ? null : HeadEvaluator.Evaluate(options.HeadData, before, after, data.Preprocessor!, progress, cancellationToken);
        return new CompressionReport
        {
            Input = options.Input,
            Output = options.Output,
            Steps = steps,
            FloatOps = quantized.FloatOps,
            KeptInFloat = quantized.KeptInFloat,
            Preprocessing = data.Preprocessing,
            CalibrationImages = images?.Calibration.Count ?? 0,
            SkippedImages = images?.Skipped.Count ?? 0,
            SizeBefore = inputBytes.Length,
            SizeAfter = outputBytes.Length,
            CompressedSizeBefore = GzipLength(inputBytes),
            CompressedSizeAfter = GzipLength(outputBytes),
            QuantizedWeightBytesBefore = quantized.WeightBytes?.Before,
            QuantizedWeightBytesAfter = quantized.WeightBytes?.After,
            WeightSparsity = sparsity,
            OpsBefore = OpHistogram.AfterOptimization(inputBytes, threads),
            OpsAfter = opsAfter,
            IntegerKernels = OpHistogram.IntegerKernels(opsAfter),
            Threads = threads,
            LatencyBefore = latency[0],
            LatencyAfter = latency[1],
            Fidelity = fidelity,
            Head = head,
        };
    }

    /// <summary>Runs two different inputs as one batch and one at a time; the outputs must agree (nothing is written otherwise).</summary>
    /// <exception cref="CompressionException">The batched run fails or differs: the graph depends on the batch (dynamic activation quantization, a fixed shape).</exception>
    private static string CheckBatch(ModelSession session)
    {
        var (name, shape) = session.SingleFloatInput;
        var one = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var random = new Random(17);
        var values = new float[2 * one];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        (float[] Values, long[] Shape) batch;
        try
        {
            batch = session.Run(InputSample.Single(name, [2, .. shape[1..]], values));
        }
        catch (CompressionException ex)
        {
            throw new CompressionException($"The model does not run with a batch of 2 after --dynamic-batch: {ex.Message}", ex);
        }

        var first = session.Run(InputSample.Single(name, shape, values[..(int)one])).Values;
        var second = session.Run(InputSample.Single(name, shape, values[(int)one..])).Values;
        if (batch.Values.Length != first.Length + second.Length)
        {
            throw new CompressionException($"A batch of 2 gave {batch.Values.Length} output values, two runs of 1 gave {first.Length + second.Length}: the output does not follow the batch.");
        }

        var scale = Math.Max(1e-6f, first.Concat(second).Max(Math.Abs));
        var worst = 0f;
        for (var i = 0; i < batch.Values.Length; i++)
        {
            var single = i < first.Length ? first[i] : second[i - first.Length];
            worst = Math.Max(worst, Math.Abs(batch.Values[i] - single));
        }

        if (worst > 1e-3f * scale)
        {
            throw new CompressionException($"A batch of 2 differs from two runs of 1 by {worst:G3} (outputs up to {scale:G3}): the model computes across the batch (dynamic activation quantization does), so its frames cannot be batched.");
        }

        return $"dynamic-batch check: a batch of 2 equals two runs of 1 within {worst:G3} (outputs up to {scale:G3})";
    }

    private static byte[] ReadInput(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException($"Cannot read the model '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>[N,3,S,S] with N forced to 1, or null when the first input is not a square float image tensor.</summary>
    internal static long[]? ImageInputShape(ModelProto model)
    {
        var initializers = new HashSet<string>(model.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        var input = model.Graph.Input.First(i => !initializers.Contains(i.Name));
        var tensor = input.Type?.TensorType;
        if (tensor is null || tensor.ElemType != Tensors.Float || tensor.Shape is null || tensor.Shape.Dim.Count != 4)
        {
            return null;
        }

        var dims = tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToArray();
        return dims[1] == 3 && dims[2] > 0 && dims[2] == dims[3] ? [1, 3, dims[2], dims[3]] : null;
    }

    private static long GzipLength(byte[] bytes)
    {
        using var sink = new MemoryStream();
        using (var gzip = new GZipStream(sink, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return sink.Length;
    }
}
