using System.Text.Json;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Split;
using EdgeNode.Compression.Tests;
using EdgeNode.Core;
using EdgeNode.Inference;
using EdgeNode.Split;
using EdgeNode.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Tests.Split;

/// <summary>
/// A node's models folder with a tiny residual CNN (16×16 input, 16-d output) and an all-zero mean model, and that CNN
/// cut by <c>edgenode split</c>'s own code at an early cut: what a head and a tail board are given.
/// </summary>
internal sealed class SplitModels : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>A frame of its own colour field (a random colour per corner, blended): frames far apart in the tiny CNN's output.</summary>
    public static Frame ColourField(int seed, long sequence)
    {
        var random = new Random(seed);
        var corners = Enumerable.Range(0, 12).Select(_ => random.Next(256)).ToArray();
        var pixels = new byte[32 * 24 * 3];
        for (var y = 0; y < 24; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var top = (corners[c] * (31 - x) + corners[3 + c] * x) / 31.0;
                    var bottom = (corners[6 + c] * (31 - x) + corners[9 + c] * x) / 31.0;
                    pixels[(((y * 32) + x) * 3) + c] = (byte)(((top * (23 - y)) + (bottom * y)) / 23.0);
                }
            }
        }

        return Core.Frame.Copy(sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), 32, 24, FrameFormat.Rgb24, pixels);
    }

    private SplitModels(TempDirectory dir, string models, string cutFolder, string jpegFolder, ModelEntry whole)
    {
        Dir = dir;
        ModelsPath = models;
        CutFolder = cutFolder;
        JpegFolder = jpegFolder;
        Whole = whole;
    }

    public TempDirectory Dir { get; }

    /// <summary>The models folder (manifest.json, cnn.onnx, mean.onnx).</summary>
    public string ModelsPath { get; }

    /// <summary>The folder with split.json, head.onnx and tail.onnx.</summary>
    public string CutFolder { get; }

    /// <summary>The folder <c>edgenode split --at jpeg</c> wrote: split.json of kind jpeg and the whole model as tail.onnx.</summary>
    public string JpegFolder { get; }

    /// <summary>The whole model's manifest entry.</summary>
    public ModelEntry Whole { get; }

    public InferenceOptions Inference => new() { ModelsPath = ModelsPath, Providers = ["CPU"], IntraOpThreads = "1", WarmupRuns = 1 };

    public static SplitModels Create()
    {
        var dir = new TempDirectory();
        var models = Path.Combine(dir.Path, "models");
        Directory.CreateDirectory(models);
        var cnn = TinyModels.ResidualCnn();
        var modelPath = Path.Combine(models, "cnn.onnx");
        File.WriteAllBytes(modelPath, cnn.ToByteArray());
        var meanPath = Path.Combine(models, "mean.onnx");
        File.WriteAllBytes(meanPath, MeanModel(TinyModels.ImageSize).ToByteArray());
        var output = cnn.Graph.Output[0].Name;
        var whole = new ModelEntry
        {
            Id = "tiny-cnn",
            File = "cnn.onnx",
            Sha256 = ModelManifest.ComputeSha256(modelPath),
            Input = new TensorSpec("image", [1, 3, TinyModels.ImageSize, TinyModels.ImageSize]),
            Output = new TensorSpec(output, [1, 16, 1, 1]),
            Preprocessing = new PreprocessingSpec(TinyModels.ImageSize, "RGB", 1, "mean.onnx", ModelManifest.ComputeSha256(meanPath)),
        };
        File.WriteAllText(Path.Combine(models, ModelManifest.FileName), JsonSerializer.Serialize(new { models = new[] { whole } }, s_json));

        // An early cut: the stem's output crosses (8×16×16 floats).
        var cutFolder = Path.Combine(dir.Path, "cut");
        var at = GraphSplitter.CutPoints(cnn)[0];
        ModelSplitter.Run(new SplitSettings(modelPath, at, cutFolder, ProfileRuns: 1, CalibrationCount: 4), null, CancellationToken.None);
        var jpegFolder = Path.Combine(dir.Path, "jpeg");
        ModelSplitter.Run(new SplitSettings(modelPath, "jpeg", jpegFolder, ProfileRuns: 1, CalibrationCount: 4), null, CancellationToken.None);
        return new SplitModels(dir, models, cutFolder, jpegFolder, whole);
    }

    /// <summary>The whole model, as the node would run it locally.</summary>
    public OnnxInferenceEngine LoadWhole() => OnnxInferenceEngine.Load(ModelsPath, Whole, Inference, NullLogger.Instance);

    /// <summary>head.onnx behind the same pre-processing.</summary>
    public OnnxInferenceEngine LoadHead() => HeadHalf.Load(SplitCut.Load(CutFolder), Inference, NullLogger.Instance);

    public void Dispose() => Dir.Dispose();

    /// <summary>A pre-processing model whose output on zeros is zeros: a mean image of 0.</summary>
    private static ModelProto MeanModel(int size)
    {
        var graph = new GraphProto { Name = "mean" };
        graph.Input.Add(Image("x", size));
        graph.Output.Add(Image("y", size));
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" }, Name = "identity" });
        var model = new ModelProto { IrVersion = 7, ProducerName = "EdgeNode.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }

    private static ValueInfoProto Image(string name, int size)
    {
        var shape = new TensorShapeProto();
        foreach (var d in new long[] { 1, 3, size, size })
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Tensors.Float, Shape = shape } } };
    }
}
