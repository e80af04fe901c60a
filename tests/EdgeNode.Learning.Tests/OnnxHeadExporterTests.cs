using EdgeNode.Testing;
using EdgeNode.Learning;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeNode.Learning.Tests;

public sealed class OnnxHeadExporterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Export_RunsInOnnxRuntime_WithTheHeadsProbabilities(int hidden)
    {
        var (train, test) = Blobs.Make(4, 10, 20, 5, 0.8f);
        var head = new HeadModel(10, hidden, seed: 2);
        HeadTrainer.Train(head, train, new TrainingOptions { Epochs = 10 });
        var bytes = OnnxHeadExporter.Export(head, new HeadInfo(7, DateTimeOffset.UnixEpoch, "resnet18", 0.9, 80));

        using var session = new InferenceSession(bytes);
        var input = new DenseTensor<float>(test.Features.ToArray(), [test.Count, 10]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("embedding", input)]);
        var onnx = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();

        var expected = HeadTrainerTests.Probabilities(head, test);
        Assert.Equal(expected.Length, onnx.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], onnx[i], 4);
        }

        Assert.Equal(string.Join('\n', head.Classes), session.ModelMetadata.CustomMetadataMap["labels"]);
    }
}
