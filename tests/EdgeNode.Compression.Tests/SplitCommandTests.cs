using System.Text.Json;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Split;

namespace EdgeNode.Compression.Tests;

public sealed class SplitCommandTests
{
    [Fact]
    public async Task Split_Auto_WritesHeadTailAndManifestAndOffersEveryCutWithNoCutAndJpeg()
    {
        using var folder = new TempFolder();
        var model = folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var images = folder.WriteImages("images", 4);
        var output = folder.File("out");
        var (code, stdout, stderr) = await Run(model, "--at", "auto", "-o", output, "--calibration", images, "--link-mbps", "1000", "--peer-speed", "2", "--json");

        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var candidates = report.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(GraphSplitter.CutPoints(TinyModels.ResidualCnn()).Count + 2, candidates.Count);
        Assert.Equal(["none", "jpeg"], candidates.Take(2).Select(c => c.GetProperty("kind").GetString()));
        Assert.All(candidates.Skip(2), c => Assert.True(c.GetProperty("bytes").GetInt64() > 0));
        Assert.False(string.IsNullOrEmpty(report.RootElement.GetProperty("reason").GetString()));

        var manifest = SplitManifest.Load(Path.Combine(output, SplitManifest.FileName));
        Assert.Equal("image", manifest.Input);
        if (manifest.Kind == "tensor")
        {
            Assert.True(File.Exists(Path.Combine(output, "head.onnx")));
            Assert.True(report.RootElement.GetProperty("fp32Cosine").GetDouble() >= 0.9999);
            Assert.True(report.RootElement.GetProperty("int8Cosine").GetDouble() >= 0.995);
        }
    }

    [Fact]
    public async Task Split_AtANamedCut_ChainsWithinToleranceAndRecordsTheWireForm()
    {
        using var folder = new TempFolder();
        var model = folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var cut = GraphSplitter.CutPoints(TinyModels.ResidualCnn())[3];
        var output = folder.File("out");
        var (code, stdout, stderr) = await Run(model, "--at", cut, "-o", output, "--calibration", folder.WriteImages("images", 4));

        Assert.True(code == 0, stderr);
        Assert.Contains("(no cut)", stdout, StringComparison.Ordinal);
        Assert.Contains("(jpeg offload)", stdout, StringComparison.Ordinal);
        var manifest = SplitManifest.Load(Path.Combine(output, SplitManifest.FileName));
        Assert.Equal("tensor", manifest.Kind);
        Assert.Equal(cut, manifest.Cut!.Tensor);
        Assert.Equal(manifest.Cut.BytesInt8 * 4, manifest.Cut.BytesFp32);
        Assert.Equal("float", manifest.Cut.Dtype);
        Assert.True(manifest.Cut.Scale > 0);
        Assert.Equal(64, manifest.ModelSha256.Length);
    }

    [Fact]
    public async Task Split_AtATensorWithTwoCrossing_ExitsWithUsageAndWritesNothing()
    {
        using var folder = new TempFolder();
        var tiny = TinyModels.ResidualCnn();
        var offered = GraphSplitter.CutPoints(tiny);
        var inside = tiny.Graph.Node.SelectMany(n => n.Output).First(t => !offered.Contains(t) && GraphSplitter.Crossing(tiny.Graph, t).Count == 2);
        var model = folder.WriteModel("cnn.onnx", tiny);
        var output = folder.File("out");
        var (code, _, stderr) = await Run(model, "--at", inside, "-o", output);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("2 tensors crossing", stderr, StringComparison.Ordinal);
        Assert.Contains("Offered cuts: " + offered[0], stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Split_NotAModel_FailsAndWritesNothing()
    {
        using var folder = new TempFolder();
        var model = folder.File("bad.onnx");
        await File.WriteAllTextAsync(model, "not onnx");
        var output = folder.File("out");
        var (code, _, stderr) = await Run(model, "--at", "auto", "-o", output);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("not an ONNX model", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("--link-mbps", "0")]
    [InlineData("--peer-speed", "-1")]
    [InlineData("--objective", "fastest")]
    public async Task Split_BadOption_ExitsWithUsage(string option, string value)
    {
        using var folder = new TempFolder();
        var model = folder.WriteModel("mlp.onnx", TinyModels.Mlp());
        var (code, _, stderr) = await Run(model, "--at", "auto", "-o", folder.File("out"), option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(value, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Theory]
    [InlineData("100", "jpeg")]
    [InlineData("0.01", "none")]
    public async Task Split_AutoWhenNoCutPays_WritesJpegOffloadOrAllLocal(string peerSpeed, string kind)
    {
        using var folder = new TempFolder();
        var model = folder.WriteModel("cnn.onnx", TinyModels.ResidualCnn());
        var output = folder.File("out");
        // By latency the outcome does not hang on measured times: any cut sends more than 10 bytes, and a 0.01x peer
        // only adds time.
        var (code, _, stderr) = await Run(model, "--at", "auto", "-o", output, "--peer-speed", peerSpeed, "--jpeg-bytes", "10", "--link-mbps", "1000", "--objective", "latency");

        Assert.True(code == 0, stderr);
        var manifest = SplitManifest.Load(Path.Combine(output, SplitManifest.FileName));
        Assert.Equal(kind, manifest.Kind);
        Assert.Null(manifest.Cut);
        Assert.False(File.Exists(Path.Combine(output, "head.onnx")));
        if (kind == "jpeg")
        {
            Assert.Equal(await File.ReadAllBytesAsync(model), await File.ReadAllBytesAsync(Path.Combine(output, "tail.onnx")));
        }
        else
        {
            Assert.False(File.Exists(Path.Combine(output, "tail.onnx")));
        }
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"version\": 2, \"kind\": \"tensor\"}")]
    [InlineData("{\"version\": 1, \"kind\": \"tensor\", \"model\": \"m\", \"modelSha256\": \"x\", \"input\": \"i\", \"output\": \"o\"}")]
    public async Task SplitManifest_Invalid_IsRefusedNamingTheFileAndLeftAsItWas(string text)
    {
        using var folder = new TempFolder();
        var path = folder.File(SplitManifest.FileName);
        await File.WriteAllTextAsync(path, text);
        var ex = Assert.Throws<CompressionException>(() => SplitManifest.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, await File.ReadAllTextAsync(path));
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Common.CommandLineRunner.InvokeAsync(SplitCommand.Create(), args, "edgenode", stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
