using System.IO.Compression;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
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
        var outputBytes = model.ToByteArray();
        progress?.Report("checking the output loads in ONNX Runtime");
        using var before = new ModelSession(inputBytes, SessionSettings.Cpu(threads));
        using var after = new ModelSession(outputBytes, SessionSettings.Cpu(threads));
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
