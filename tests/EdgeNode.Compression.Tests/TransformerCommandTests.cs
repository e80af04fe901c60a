using System.Text.Json;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Tests;

public sealed class TransformerCommandTests : IDisposable
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
    public async Task Bench_TransformerWithShapeAndTokens_FillsEveryInput()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());

        var code = await Bench(model, "--shape", "input_ids=1x8", "--input", $"input_ids=tokens:{TinyTransformer.Vocabulary}", "--provider", "cpu", "--json");

        Assert.Equal(0, code);
        var inputs = JsonDocument.Parse(_stdout.ToString()).RootElement.GetProperty("models")[0].GetProperty("inputs").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["input_ids int64[1x8] tokens:50", "attention_mask int64[1x8] ones"], inputs);
    }

    [Fact]
    public async Task Bench_ThreeModels_ReportsEachSpeedUpOverTheFirst()
    {
        var a = _folder.WriteModel("a.onnx", TinyTransformer.Build());
        var b = _folder.WriteModel("b.onnx", TinyTransformer.Build(seed: 5));
        var c = _folder.WriteModel("c.onnx", TinyTransformer.Build(seed: 6));

        var code = await BenchCommand.RunAsync([a, b, c, "--threads", "1", "--runs", "3", "--warmup", "1", "--shape", "input_ids=1x8", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(3, report.GetProperty("models").GetArrayLength());
        Assert.Equal(2, report.GetProperty("ratios").GetArrayLength());
        Assert.Equal(report.GetProperty("ratio").GetDouble(), report.GetProperty("ratios")[0].GetDouble());
    }

    [Fact]
    public async Task Bench_InputsFromNpyFolder_RunsOnTheFiles()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var sample = WriteSamples("inputs", count: 1, length: 6);

        var code = await Bench(model, "--inputs", sample, "--provider", "cpu", "--json");

        Assert.Equal(0, code);
        var input = JsonDocument.Parse(_stdout.ToString()).RootElement.GetProperty("models")[0].GetProperty("inputs")[0].GetString();
        Assert.StartsWith("input_ids int64[1x6] ", input, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--shape", "token_ids=1x8", "has no input 'token_ids'")]
    [InlineData("--input", "mask=ones", "has no input 'mask'")]
    [InlineData("--input", "input_ids=tokens:0", "vocabulary size must be a positive integer")]
    [InlineData("--input", "input_ids=tokens:-5", "vocabulary size must be a positive integer")]
    [InlineData("--shape", "input_ids=1x8x2", "has 2 dimensions")]
    public async Task Bench_BadInputOption_ExitsUsageAndLeavesNoProfile(string option, string value, string message)
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var profiles = Directory.GetFiles(Path.GetTempPath(), "edgenode-profile-*").Length;

        var code = await Bench(model, option, value, "--profile");

        Assert.Equal(64, code);
        Assert.Contains(message, _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Try 'edgenode bench --help'.", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
        Assert.Equal(profiles, Directory.GetFiles(Path.GetTempPath(), "edgenode-profile-*").Length);
    }

    [Fact]
    public async Task Bench_TokensForAFloatInput_ExitsUsageNamingTheType()
    {
        var model = _folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());

        var code = await Bench(model, "--input", "image=tokens:100");

        Assert.Equal(64, code);
        Assert.Contains("need an integer input, but 'image' is float", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
    }

    [Fact]
    public async Task Compress_TransformerDynamicWithTensorFidelityData_ReportsPooledCosineAndFloatParts()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var samples = WriteSamples("eval", count: 5, length: 7);
        var output = _folder.File("t-int8.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--dynamic", "--fidelity-data", samples, "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.True(code == 0, _stderr.ToString());
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(5, report.GetProperty("fidelity").GetProperty("samples").GetInt32());
        Assert.Contains("mean-pooled", report.GetProperty("fidelity").GetProperty("compared").GetString(), StringComparison.Ordinal);
        Assert.True(report.GetProperty("fidelity").GetProperty("meanCosine").GetDouble() > 0.99);
        Assert.Equal(2, report.GetProperty("keptInFloat").GetArrayLength());
        Assert.Contains(report.GetProperty("floatOps").EnumerateArray(), o => o.GetString()!.StartsWith("Softmax", StringComparison.Ordinal));
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task Compress_TransformerInt4_WritesMatMulNBitsAndReportsWeightBytes()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var output = _folder.File("t-q4.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--int4", "--block-size", "32", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.True(code == 0, _stderr.ToString());
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(6, report.GetProperty("opsAfter").GetProperty("com.microsoft.MatMulNBits").GetInt32());
        Assert.True(report.GetProperty("quantizedWeightBytesAfter").GetInt64() < report.GetProperty("quantizedWeightBytesBefore").GetInt64() / 5);
    }

    [Fact]
    public async Task Compress_TransformerInt4WithCalibration_RoundsByGptq()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var samples = WriteSamples("calibration", count: 12, length: 9);
        var output = _folder.File("t-q4.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--int4", "--block-size", "16", "--calibration", samples, "--calibration-count", "8", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.True(code == 0, _stderr.ToString());
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Contains(report.GetProperty("steps").EnumerateArray(), s => s.GetString()!.Contains("GPTQ on 8 calibration samples", StringComparison.Ordinal));
        Assert.Equal(4, report.GetProperty("fidelity").GetProperty("samples").GetInt32());
        Assert.Equal(6, report.GetProperty("opsAfter").GetProperty("com.microsoft.MatMulNBits").GetInt32());
    }

    [Fact]
    public async Task Compress_TransformerStaticWithTensorCalibration_QuantizesTheMatMuls()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var samples = WriteSamples("calibration", count: 10, length: 9);
        var output = _folder.File("t-static.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--calibration", samples, "--calibration-count", "6", "--calibrator", "minmax", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.True(code == 0, _stderr.ToString());
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Contains(report.GetProperty("steps").EnumerateArray(), s => s.GetString()!.StartsWith("quantize-static-matmul: minmax calibration on 6 tensor samples, 6 MatMul/Gemm layers", StringComparison.Ordinal));
        Assert.True(report.GetProperty("integerKernels").GetInt32() >= 6);
        Assert.Equal(2, report.GetProperty("keptInFloat").GetArrayLength());
        Assert.True(report.GetProperty("fidelity").GetProperty("meanCosine").GetDouble() > 0.99);
    }

    [Theory]
    [InlineData("--int4-method gptq", "--int4-method gptq needs --calibration")]
    [InlineData("--dynamic --int4-method rtn", "apply to --int4")]
    [InlineData("--int4 --int4-method awq", "awq")]
    public async Task Compress_BadInt4Method_ExitsUsageAndWritesNothing(string flags, string message)
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var output = _folder.File("t-q4.onnx");
        string[] extra = flags == "--int4-method gptq" ? ["--int4"] : [];

        var code = await CompressCommand.RunAsync([model, "-o", output, .. extra, .. flags.Split(' ')], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(64, code);
        Assert.Contains(message, _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Compress_ChannelPruningWithTensorCalibration_FailsAndWritesNothing()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var samples = WriteSamples("calibration", count: 3, length: 5);
        var output = _folder.File("t-pruned.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--calibration", samples, "--prune-channels", "0.25"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("Channel pruning ranks and refits convolutions on calibration images", _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Compress_TensorFileOfWrongType_FailsAndWritesNothing()
    {
        var model = _folder.WriteModel("t.onnx", TinyTransformer.Build());
        var samples = WriteSamples("eval", count: 2, length: 4);
        NpyFile.Write(Path.Combine(samples, "0000", "attention_mask.npy"), new float[4], 1, 4);
        var output = _folder.File("t-int8.onnx");

        var code = await CompressCommand.RunAsync([model, "-o", output, "--dynamic", "--fidelity-data", samples], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("holds float; the input 'attention_mask' is int64", _stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private Task<int> Bench(string model, params string[] args) =>
        BenchCommand.RunAsync([model, "--threads", "1", "--runs", "3", "--warmup", "1", .. args], _stdout, _stderr, CancellationToken.None);

    private string WriteSamples(string name, int count, int length)
    {
        var root = _folder.File(name);
        for (var i = 0; i < count; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).FullName;
            var (ids, mask) = TinyTransformer.Tokens(length, i);
            NpyFile.Write(Path.Combine(folder, "input_ids.npy"), ids, 1, length);
            NpyFile.Write(Path.Combine(folder, "attention_mask.npy"), mask, 1, length);
        }

        return count == 1 ? Path.Combine(root, "0000") : root;
    }
}
