using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Inference.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private static readonly System.Text.Json.JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase };
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Load_MissingManifest_ThrowsWithPath()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(_dir.Path));

        Assert.Contains("manifest.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_ThrowsClearError()
    {
        File.WriteAllText(_dir.File("manifest.json"), "{ \"models\": [ { \"id\": ");

        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(_dir.Path));

        Assert.Contains("Cannot read the model manifest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InputShapeNotSquareImage_IsRejected()
    {
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.ModelsDirectory, "manifest.json")))!;
        manifest["models"]![0]!["input"]!["shape"]![3] = 100;
        File.WriteAllText(_dir.File("manifest.json"), manifest.ToJsonString());

        var ex = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(_dir.Path));

        Assert.Contains("input must be [1,3,S,S]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEngine_CorruptModelFile_IsRefusedByHash()
    {
        CopyModels();
        var model = _dir.File("ResNet18.onnx");
        using (var stream = File.OpenWrite(model))
        {
            stream.Position = 1000;
            stream.WriteByte(0x42);
        }

        var ex = Assert.Throws<ModelLoadException>(() => OnnxInferenceEngine.Load(Options(), NullLogger.Instance));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refusing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEngine_WrongTensorNameInManifest_IsRejected()
    {
        CopyModels();
        var manifest = File.ReadAllText(_dir.File("manifest.json")).Replace("\"Input247\"", "\"data\"", StringComparison.Ordinal);
        File.WriteAllText(_dir.File("manifest.json"), manifest);

        var ex = Assert.Throws<ModelLoadException>(() => OnnxInferenceEngine.Load(Options(), NullLogger.Instance));

        Assert.Contains("no input named 'data'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEngine_MissingFile_NamesTheFile()
    {
        File.Copy(Path.Combine(RepoPaths.ModelsDirectory, "manifest.json"), _dir.File("manifest.json"));

        var ex = Assert.Throws<ModelLoadException>(() => OnnxInferenceEngine.Load(Options(), NullLogger.Instance));

        Assert.Contains("ResNet18.onnx", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private InferenceOptions Options() => new() { ModelsPath = _dir.Path, Providers = ["CPU"], WarmupRuns = 0 };

    private void CopyModels()
    {
        // Only the fp32 entry: copy its files and a manifest listing just it.
        foreach (var name in new[] { "ResNet18.onnx", "ResNetPreprocess.onnx" })
        {
            File.Copy(Path.Combine(RepoPaths.ModelsDirectory, name), _dir.File(name));
        }

        var manifest = ModelManifest.Load(RepoPaths.ModelsDirectory);
        var fp32 = manifest.Models.First(m => m.File == "ResNet18.onnx");
        File.WriteAllText(_dir.File("manifest.json"), System.Text.Json.JsonSerializer.Serialize(
            new { models = new[] { fp32 } },
            CamelCase));
    }
}
