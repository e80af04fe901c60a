using System.Text.Json;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;

namespace EdgeNode.Compression.Tests;

public sealed class CompressCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose()
    {
        _folder.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }

    [Fact]
    public async Task Compress_StaticWithImages_WritesIntegerModelAndReport()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var images = _folder.WriteImages("photos", 12);
        var output = _folder.File("cnn-int8.onnx");

        var code = await Run(input, "-o", output, "--calibration", images, "--calibration-count", "8", "--json");

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(8, report.GetProperty("calibrationImages").GetInt32());
        Assert.Equal(4, report.GetProperty("fidelity").GetProperty("samples").GetInt32());
        Assert.True(report.GetProperty("integerKernels").GetInt32() >= 6);
        Assert.True(report.GetProperty("fidelity").GetProperty("meanCosine").GetDouble() > 0.99);
        Assert.True(new FileInfo(output).Length < new FileInfo(input).Length);
        Assert.Contains("calibrating", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compress_UndecodableImages_AreSkippedAndCounted()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var images = _folder.WriteImages("photos", 6);
        await File.WriteAllTextAsync(Path.Combine(images, "broken.jpg"), "not a jpeg");
        await File.WriteAllBytesAsync(Path.Combine(images, "truncated.jpg"), [0xFF, 0xD8, 0xFF]);

        var code = await Run(input, "-o", _folder.File("out.onnx"), "--calibration", images, "--calibration-count", "4", "--json");

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(2, report.GetProperty("skippedImages").GetInt32());
        Assert.Equal(4, report.GetProperty("calibrationImages").GetInt32());
    }

    [Fact]
    public async Task Compress_Dynamic_ReportsIntegerMatMul()
    {
        var input = _folder.WriteModel("mlp.onnx", TinyModels.Mlp());
        var output = _folder.File("mlp-int8.onnx");

        var code = await Run(input, "-o", output, "--dynamic");

        Assert.Equal(0, code);
        Assert.Contains("quantize-dynamic: 2", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("random normal inputs", _stdout.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task Compress_PruneAndSparsity_WritesSmallerCompressedModel()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var output = _folder.File("pruned.onnx");

        var code = await Run(input, "-o", output, "--prune-channels", "0.5", "--sparsity", "0.5", "--json");

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.True(report.GetProperty("sizeAfter").GetInt64() < report.GetProperty("sizeBefore").GetInt64());
        Assert.InRange(report.GetProperty("weightSparsity").GetDouble(), 0.45, 0.55);
    }

    [Fact]
    public async Task Compress_HeadData_ReportsHeadAccuracyAndAgreement()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        _folder.WriteImages("labelled/train/a", 6, seed: 1);
        _folder.WriteImages("labelled/train/b", 6, seed: 2);
        _folder.WriteImages("labelled/test/a", 3, seed: 3);
        _folder.WriteImages("labelled/test/b", 3, seed: 4);

        // No MatMul to quantize: the output differs from the input only by exact BN folding.
        var code = await Run(input, "-o", _folder.File("out.onnx"), "--dynamic", "--head-data", _folder.File("labelled"), "--json");

        Assert.Equal(0, code);
        var head = JsonDocument.Parse(_stdout.ToString()).RootElement.GetProperty("head");
        Assert.Equal(2, head.GetProperty("classes").GetInt32());
        Assert.Equal(12, head.GetProperty("trainImages").GetInt32());
        Assert.Equal(6, head.GetProperty("testImages").GetInt32());
        Assert.Equal(1.0, head.GetProperty("top1Agreement").GetDouble());
        Assert.Equal(head.GetProperty("inputModelAccuracy").GetDouble(), head.GetProperty("dropInAccuracy").GetDouble());
    }

    [Fact]
    public async Task Compress_HeadDataWithoutSplits_Fails()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        _folder.WriteImages("flat", 3);

        var code = await Run(input, "-o", _folder.File("out.onnx"), "--dynamic", "--head-data", _folder.File("flat"));

        Assert.Equal(1, code);
        Assert.Contains("one sub-folder per class", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(_folder.File("out.onnx"));
    }

    [Fact]
    public async Task Compress_NotAnOnnxFile_FailsWithoutOutput()
    {
        var input = _folder.File("notes.onnx");
        await File.WriteAllTextAsync(input, "hello, I am a text file pretending to be a model");
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--dynamic");

        Assert.Equal(1, code);
        Assert.Contains("not an ONNX model", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    [Fact]
    public async Task Compress_TruncatedModel_FailsWithoutOutput()
    {
        var bytes = await File.ReadAllBytesAsync(_folder.WriteModel("full.onnx", TinyModels.ResidualCnn()));
        var input = _folder.File("truncated.onnx");
        await File.WriteAllBytesAsync(input, bytes[..(bytes.Length * 2 / 3)]);
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--sparsity", "0.3");

        Assert.Equal(1, code);
        Assert.Contains("truncated", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    [Fact]
    public async Task Compress_EmptyCalibrationFolder_FailsAndKeepsExistingOutput()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var empty = Directory.CreateDirectory(_folder.File("empty")).FullName;
        var output = _folder.File("out.onnx");
        await File.WriteAllTextAsync(output, "previous model");

        var code = await Run(input, "-o", output, "--calibration", empty);

        Assert.Equal(1, code);
        Assert.Contains("contains no images", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("previous model", await File.ReadAllTextAsync(output));
        Assert.DoesNotContain(Directory.GetFiles(_folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compress_OnlyUndecodableImages_Fails()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var images = Directory.CreateDirectory(_folder.File("bad")).FullName;
        await File.WriteAllTextAsync(Path.Combine(images, "a.jpg"), "garbage");
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--calibration", images);

        Assert.Equal(1, code);
        Assert.Contains("could be decoded", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    [Fact]
    public async Task Compress_MissingCalibrationFolder_Fails()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());

        var code = await Run(input, "-o", _folder.File("out.onnx"), "--calibration", _folder.File("nowhere"));

        Assert.Equal(1, code);
        Assert.Contains("does not exist", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compress_ModelInputNotAnImage_FailsWithoutOutput()
    {
        var input = _folder.WriteModel("mlp.onnx", TinyModels.Mlp());
        var images = _folder.WriteImages("photos", 3);
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--calibration", images);

        Assert.Equal(1, code);
        Assert.Contains("not an image tensor", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    [Fact]
    public async Task Compress_OutputFolderMissing_FailsWithoutCreatingIt()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var output = Path.Combine(_folder.File("missing-folder"), "out.onnx");

        var code = await Run(input, "-o", output, "--sparsity", "0.5");

        Assert.Equal(1, code);
        Assert.Contains("does not exist", _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("missing-folder")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("model.onnx")]
    [InlineData("model.onnx -o out.onnx")]
    [InlineData("model.onnx -o out.onnx --calibrator magic --dynamic")]
    [InlineData("model.onnx -o out.onnx --sparsity 1.5")]
    [InlineData("model.onnx -o out.onnx --dynamic --bogus")]
    [InlineData("model.onnx -o out.onnx --int4 --dynamic")]
    [InlineData("model.onnx -o out.onnx --int4 --block-size 24")]
    [InlineData("model.onnx -o out.onnx --dynamic --symmetric")]
    [InlineData("model.onnx -o out.onnx --int4 --weight-type s8")]
    [InlineData("model.onnx -o out.onnx --dynamic --weight-type i8")]
    public async Task Compress_BadCommandLine_ExitsSixtyFourWithOneMessage(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var code = await CompressCommand.RunAsync(args, _stdout, _stderr, CancellationToken.None);

        Assert.Equal(64, code);
        Assert.StartsWith("edgenode compress: ", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Try 'edgenode compress --help'.", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
        Assert.Empty(Directory.GetFiles(_folder.Path, "out.onnx*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Compress_DynamicWithSignedWeights_StoresInt8CodesWithZeroPointZero_AndRuns()
    {
        var input = _folder.WriteModel("mlp.onnx", TinyModels.Mlp());
        var output = _folder.File("mlp-s8.onnx");

        var code = await Run(input, "-o", output, "--dynamic", "--weight-type", "s8");

        Assert.Equal(0, code);
        Assert.Contains("stored s8", _stdout.ToString(), StringComparison.Ordinal);
        var model = OnnxModelFile.Load(output);
        var weights = model.Graph.Initializer.Where(t => t.Name.EndsWith("_weight_quantized", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, weights.Count);
        Assert.All(weights, t => Assert.Equal((int)TensorProto.Types.DataType.Int8, t.DataType));
        var zeros = model.Graph.Initializer.Where(t => t.Name.EndsWith("_weight_zero_point", StringComparison.Ordinal)).ToList();
        Assert.All(zeros, t => Assert.True(t.DataType == (int)TensorProto.Types.DataType.Int8 && t.RawData.All(b => b == 0)));
        Assert.Equal(10, OrtRunner.Run(model, TinyModels.RandomInput(32, seed: 3), [1, 32]).Length);
    }

    [Fact]
    public async Task Compress_DynamicBatch_TheModelRunsABatchOfThree_EachAsItRunsAlone()
    {
        var input = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var output = _folder.File("cnn-batch.onnx");

        var code = await Run(input, "-o", output, "--dynamic-batch");

        Assert.Equal(0, code);
        Assert.Contains("dynamic-batch: image,", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("a batch of 2 equals two runs of 1", _stdout.ToString(), StringComparison.Ordinal);
        var model = OnnxModelFile.Load(output);
        Assert.Equal("batch", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        const int one = 3 * TinyModels.ImageSize * TinyModels.ImageSize;
        var images = TinyModels.RandomInput(3 * one, seed: 5);
        var batched = OrtRunner.Run(model, images, [3, 3, TinyModels.ImageSize, TinyModels.ImageSize]);
        for (var i = 0; i < 3; i++)
        {
            var alone = OrtRunner.Run(model, images[(i * one)..((i + 1) * one)], [1, 3, TinyModels.ImageSize, TinyModels.ImageSize]);
            Assert.True(OrtRunner.MaxAbsDifference(alone, batched[(i * 16)..((i + 1) * 16)]) < 1e-5f, $"frame {i} differs in the batch");
        }
    }

    [Fact]
    public async Task Compress_DynamicBatch_AReshapeFixesTheBatch_RefusedNamingIt_NothingWritten()
    {
        var mlp = TinyModels.Mlp();
        var graph = mlp.Graph;
        graph.Initializer.Add(Tensors.FromInt64("fixed_shape", [1, 10], 2));
        var last = graph.Output[0].Name;
        graph.Node.Add(new NodeProto { Name = "flatten_to_one", OpType = "Reshape", Input = { last, "fixed_shape" }, Output = { "reshaped" } });
        graph.Output[0].Name = "reshaped";
        var input = _folder.WriteModel("mlp-reshape.onnx", mlp);
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--dynamic-batch");

        Assert.Equal(1, code);
        Assert.Contains("Reshape 'flatten_to_one'", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("fixes the batch", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    [Fact]
    public async Task Compress_DynamicBatchOfDynamicQuantization_RefusedAsComputingAcrossTheBatch_NothingWritten()
    {
        var input = _folder.WriteModel("mlp.onnx", TinyModels.Mlp());
        var output = _folder.File("out.onnx");

        var code = await Run(input, "-o", output, "--dynamic", "--dynamic-batch");

        Assert.Equal(1, code);
        Assert.Contains("computes across the batch", _stderr.ToString(), StringComparison.Ordinal);
        AssertNoOutput(output);
    }

    private Task<int> Run(params string[] args) => CompressCommand.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    private void AssertNoOutput(string output)
    {
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
