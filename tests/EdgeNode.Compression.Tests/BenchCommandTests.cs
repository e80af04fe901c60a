using System.Text.Json;
using EdgeNode.Compression.Cli;

namespace EdgeNode.Compression.Tests;

public sealed class BenchCommandTests : IDisposable
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
    public async Task Bench_TwoModels_ReportsBothAndRatio()
    {
        var a = _folder.WriteModel("a.onnx", TinyModels.ResidualCnn());
        var b = _folder.WriteModel("b.onnx", TinyModels.ResidualCnn(seed: 5));

        var code = await BenchCommand.RunAsync([a, b, "--threads", "1", "--runs", "5", "--warmup", "1", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(_stdout.ToString()).RootElement;
        Assert.Equal(2, report.GetProperty("models").GetArrayLength());
        Assert.Equal(5, report.GetProperty("models")[0].GetProperty("latency").GetProperty("runs").GetInt32());
        Assert.True(report.GetProperty("ratio").GetDouble() > 0);
        Assert.True(report.GetProperty("peakRssBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Bench_PerLayer_ReportsEveryConvInExecutionOrderAndNoOpSummary()
    {
        var model = TinyModels.ResidualCnn();
        var a = _folder.WriteModel("a.onnx", model);

        var code = await BenchCommand.RunAsync([a, "--threads", "1", "--runs", "3", "--warmup", "1", "--per-layer", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var result = JsonDocument.Parse(_stdout.ToString()).RootElement.GetProperty("models")[0];
        Assert.False(result.TryGetProperty("profile", out var ops) && ops.ValueKind != JsonValueKind.Null);
        var layers = result.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("node").GetString()!).ToList();

        // ORT fuses each conv with its BatchNormalization (and Relu) and names the chain after a node or tensor of it;
        // the stem runs first.
        var stem = model.Graph.Node.Take(3).SelectMany(n => n.Output.Append(n.Name)).ToList();
        Assert.True(layers.Count >= model.Graph.Node.Count(n => n.OpType == "Conv"), string.Join(", ", layers));
        Assert.Contains(stem, s => layers[0].StartsWith(s, StringComparison.Ordinal));
        Assert.All(result.GetProperty("layers").EnumerateArray(), l => Assert.True(l.GetProperty("msPerRun").GetDouble() >= 0));
    }

    [Fact]
    public async Task Bench_Profile_ReportsKernelTimeByOpTypeAndRemovesTheProfileFile()
    {
        var a = _folder.WriteModel("a.onnx", TinyModels.ResidualCnn());
        var before = Directory.GetFiles(Path.GetTempPath(), "edgenode-profile-*").Length;

        var code = await BenchCommand.RunAsync([a, "--threads", "1", "--runs", "4", "--warmup", "1", "--profile", "--json"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var profile = JsonDocument.Parse(_stdout.ToString()).RootElement.GetProperty("models")[0].GetProperty("profile").EnumerateArray().ToList();
        var convs = profile.Where(p => p.GetProperty("op").GetString() is "Conv" or "FusedConv").ToList();
        Assert.Equal(6, convs.Sum(p => p.GetProperty("nodes").GetInt32())); // the tiny ResNet's six convs
        Assert.All(convs, p => Assert.True(p.GetProperty("msPerRun").GetDouble() > 0));
        Assert.InRange(profile.Sum(p => p.GetProperty("share").GetDouble()), 0.999, 1.001);
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "edgenode-profile-*").Length);
    }

    [Fact]
    public async Task Bench_MissingModel_ExitsOne()
    {
        var code = await BenchCommand.RunAsync([_folder.File("none.onnx")], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("does not exist", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_NotAModel_ExitsOne()
    {
        var path = _folder.File("text.onnx");
        await File.WriteAllTextAsync(path, "plain text");

        var code = await BenchCommand.RunAsync([path], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("not an ONNX model", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m.onnx --threads 0")]
    [InlineData("m.onnx --provider npu")]
    [InlineData("a.onnx b.onnx c.onnx d.onnx")]
    public async Task Bench_BadCommandLine_ExitsSixtyFourWithOneMessage(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var code = await BenchCommand.RunAsync(args, _stdout, _stderr, CancellationToken.None);

        Assert.Equal(64, code);
        Assert.StartsWith("edgenode bench: ", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Try 'edgenode bench --help'.", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
    }
}
