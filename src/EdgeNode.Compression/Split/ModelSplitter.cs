using System.Security.Cryptography;
using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Inputs;
using EdgeNode.Compression.Quantization;
using Google.Protobuf;

namespace EdgeNode.Compression.Split;

/// <summary>
/// <c>edgenode split</c>: offers every single-tensor cut of an image model with its activation size and predicted
/// cost, cuts at the chosen one and writes head.onnx, tail.onnx and split.json, then checks the chained halves
/// against the whole model with fp32 and int8 activations.
/// </summary>
public static class ModelSplitter
{
    /// <summary>Splits as <paramref name="settings"/> say. Nothing is written unless every check before writing passed.</summary>
    /// <exception cref="CompressionException">A model that cannot be read or run.</exception>
    /// <exception cref="ArgumentException">--at names a tensor the model does not offer as a cut.</exception>
    public static SplitReport Run(SplitSettings settings, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var bytes = File.Exists(settings.Model) ? File.ReadAllBytes(settings.Model) : throw new CompressionException($"The model '{settings.Model}' does not exist.");
        var model = OnnxModelFile.Parse(bytes, settings.Model);
        var input = ModelInput.Of(model) is [{ ElementType: ElementTypes.Float } only] ? only
            : throw new CompressionException("split needs an image model with one float input.");
        var inputShape = input.Dims.Select(d => d > 0 ? d : 1).ToArray();
        var offered = GraphSplitter.CutPoints(model);
        if (settings.At is not ("auto" or "jpeg") && !offered.Contains(settings.At))
        {
            // Split says why (not a node output, the model's output, or several tensors crossing); a cut the model
            // does not offer is a bad command line, like a --shape naming no input.
            try
            {
                GraphSplitter.Split(model, settings.At, Tensors.Float, []);
            }
            catch (CompressionException ex)
            {
                throw new ArgumentException($"{ex.Message} Offered cuts: {string.Join(", ", offered.Take(12))}{(offered.Count > 12 ? $" and {offered.Count - 12} more" : string.Empty)}.", ex);
            }
        }

        var (samples, source, jpegBytes) = Inputs(settings, inputShape, cancellationToken);
        var output = model.Graph.Output[0].Name;
        var activations = Probe(model, offered, samples, progress);
        progress?.Report($"profiling {settings.ProfileRuns} runs for layer times");
        var layers = LayerProfile.Measure(bytes, samples[0], SessionSettings.Cpu(settings.Threads), settings.ProfileRuns, cancellationToken);
        var cuts = offered.Select(t => (t, (IReadOnlyList<long>)activations[t].Shape, activations[t].Elements, GraphSplitter.HeadNodeNames(model, t))).ToList();
        var candidates = SplitPlanner.Candidates(cuts, layers, SplitPlanner.NodeNames(model.Graph.Node.Select(n => (n.Name, n.Output.AsEnumerable()))), settings.LinkMbps, settings.PeerSpeed, jpegBytes);
        var (chosen, reason) = settings.At switch
        {
            "auto" => SplitPlanner.Choose(candidates, settings.Objective, settings.LinkMbps, settings.PeerSpeed),
            "jpeg" => (candidates.First(c => c.Kind == "jpeg"), "jpeg: asked for with --at (the head sends the encoded frame, the tail runs the whole model)"),
            _ => (candidates.First(c => c.Tensor == settings.At), $"{settings.At}: asked for with --at"),
        };

        Directory.CreateDirectory(settings.Output);
        var name = Path.GetFileName(settings.Model);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var manifest = new SplitManifest(1, name, sha, input.Name, output, chosen.Kind, null, null, null, null, null);
        (double Fp32, double Int8)? fidelity = null;
        if (chosen.Kind == "tensor")
        {
            var a = activations[chosen.Tensor!];
            var (head, tail) = GraphSplitter.Split(model, chosen.Tensor!, a.ElementType, a.Shape);
            var headBytes = head.ToByteArray();
            var tailBytes = tail.ToByteArray();
            var q = a.ElementType == Tensors.Float ? QuantParams.FromRange(new TensorRange(a.Min, a.Max)) : (QuantParams?)null;
            fidelity = ChainCheck.Run(bytes, headBytes, tailBytes, samples, inputShape, q);
            OnnxModelFile.WriteAtomic(Path.Combine(settings.Output, "head.onnx"), headBytes);
            OnnxModelFile.WriteAtomic(Path.Combine(settings.Output, "tail.onnx"), tailBytes);
            var cut = new SplitActivation(chosen.Tensor!, a.Shape, ElementTypes.Name(a.ElementType), q?.Scale, q?.ZeroPoint, a.Elements * 4, a.Elements);
            manifest = manifest with { Cut = cut, Head = "head.onnx", HeadSha256 = Hash(headBytes), Tail = "tail.onnx", TailSha256 = Hash(tailBytes) };
        }
        else if (chosen.Kind == "jpeg")
        {
            OnnxModelFile.WriteAtomic(Path.Combine(settings.Output, "tail.onnx"), bytes);
            manifest = manifest with { Tail = "tail.onnx", TailSha256 = sha };
        }

        manifest.Save(Path.Combine(settings.Output, SplitManifest.FileName));
        return new SplitReport(settings.Model, settings.Output, candidates, chosen, reason, manifest, fidelity?.Fp32, fidelity?.Int8, samples.Count, source);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static (IReadOnlyList<float[]> Samples, string Source, long JpegBytes) Inputs(SplitSettings settings, long[] shape, CancellationToken cancellationToken)
    {
        var length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        if (settings.Calibration is { } directory)
        {
            if (shape is not [1, 3, var h, var w] || h != w)
            {
                throw new CompressionException($"--calibration decodes images into a square 1x3xSxS input; the model's input is {string.Join("x", shape)}.");
            }

            var (preprocessor, description) = PreprocessorFactory.Create(settings.Model, (int)h);
            var images = CalibrationImages.Load(directory, settings.CalibrationCount, 0, preprocessor, null, cancellationToken);
            var files = CalibrationImages.List(directory).Take(settings.CalibrationCount);
            var mean = (long)files.Average(f => new FileInfo(f).Length);
            return (images.Calibration, $"{images.Calibration.Count} images from {directory} ({description})", settings.JpegBytes ?? mean);
        }

        // Without images the int8 range is a guess from random inputs; the report says so.
        var random = new Random(20261202);
        var samples = Enumerable.Range(0, settings.CalibrationCount)
            .Select(_ => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToList();
        return (samples, $"{samples.Count} random inputs (give --calibration <image-dir> for real activation ranges)", settings.JpegBytes ?? length / 10);
    }

    private static Dictionary<string, Activation> Probe(ModelProto model, IReadOnlyList<string> tensors, IReadOnlyList<float[]> samples, IProgress<string>? progress)
    {
        using var probe = new TensorProbe(model, tensors, [.. ModelInput.Of(model)[0].Dims.Select(d => d > 0 ? d : 1)]);
        var result = new Dictionary<string, Activation>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            probe.Run(samples[i], (name, type, shape, values) =>
            {
                var a = result.TryGetValue(name, out var seen) ? seen : result[name] = new Activation(type, shape);
                a.Add(values);
            });
            progress?.Report($"measuring activations: {i + 1}/{samples.Count}");
        }

        return result;
    }

    private sealed class Activation(int elementType, long[] shape)
    {
        public int ElementType { get; } = elementType;

        public long[] Shape { get; } = shape;

        public long Elements { get; } = shape.Aggregate(1L, (a, b) => a * b);

        public float Min { get; private set; } = float.MaxValue;

        public float Max { get; private set; } = float.MinValue;

        public void Add(ReadOnlySpan<float> values)
        {
            if (values.IsEmpty)
            {
                return;
            }

            Min = Math.Min(Min, System.Numerics.Tensors.TensorPrimitives.Min(values));
            Max = Math.Max(Max, System.Numerics.Tensors.TensorPrimitives.Max(values));
        }
    }
}
