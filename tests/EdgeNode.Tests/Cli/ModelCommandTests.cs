using System.Text.Json;
using EdgeNode.Cli;
using EdgeNode.Common;
using EdgeNode.Testing;

namespace EdgeNode.Tests.Cli;

/// <summary><c>edgenode model keygen|sign|verify</c> through the real parser, keys and files; tensors given, so no ONNX file is needed.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task KeygenSignVerify_GivenTensors_VerifiesAndRefusesAnotherFile()
    {
        var model = _dir.File("model.onnx");
        await File.WriteAllBytesAsync(model, [1, 2, 3, 4]);
        var signed = _dir.File("signed.json");

        Assert.Equal(0, (await RunAsync("model", "keygen", "--out", _dir.Path, "--name", "ops")).Code);
        var sign = await RunAsync("model", "sign", "--key", _dir.File("ops.key"), "--model", model, "--name", "m", "--version", "1", "--input", "in:1,3,8,8", "--output", "out:1,4", "--out", signed);
        var verify = await RunAsync("model", "verify", "--keys", _dir.File("ops.pem"), "--manifest", signed, "--model", model);
        await File.WriteAllBytesAsync(model, [1, 2, 3, 5]);
        var tampered = await RunAsync("model", "verify", "--keys", _dir.File("ops.pem"), "--manifest", signed, "--model", model);

        Assert.Equal(0, sign.Code);
        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(signed)))
        {
            Assert.Equal("fp32", json.RootElement.GetProperty("manifest").GetProperty("precision").GetString());
        }

        Assert.Equal((0, "ok: m 1 signed by 'ops', file matches"), (verify.Code, verify.Stdout.Trim()));
        Assert.Equal(65, tampered.Code);
        Assert.StartsWith("edgenode model verify: ", tampered.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in", "--input must be NAME:D1,D2,")]
    [InlineData("in:1,0", "--input must be NAME:D1,D2,")]
    public async Task Sign_MalformedTensor_IsAUsageErrorNamingTheFlagAndWritesNothing(string tensor, string error)
    {
        var signed = _dir.File("signed.json");

        var result = await RunAsync("model", "sign", "--key", _dir.File("none.key"), "--model", _dir.File("none.onnx"), "--name", "m", "--version", "1", "--input", tensor, "--out", signed);

        Assert.Equal(CommandLineRunner.UsageExitCode, result.Code);
        Assert.StartsWith("edgenode model sign: " + error, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try 'edgenode model sign --help'.", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task Keygen_ExistingKey_RefusesWithIoErrorAndKeepsTheKey()
    {
        Assert.Equal(0, (await RunAsync("model", "keygen", "--out", _dir.Path)).Code);
        var key = await File.ReadAllTextAsync(_dir.File("model-signing.key"));

        var again = await RunAsync("model", "keygen", "--out", _dir.Path);

        Assert.Equal(74, again.Code);
        Assert.Contains("exists; not overwriting a key", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(key, await File.ReadAllTextAsync(_dir.File("model-signing.key")));
    }

    [Fact]
    public async Task Sign_MissingRequiredFlag_IsAUsageError()
    {
        var result = await RunAsync("model", "sign", "--model", _dir.File("m.onnx"), "--name", "m", "--version", "1");

        Assert.Equal(CommandLineRunner.UsageExitCode, result.Code);
        Assert.Contains("--key", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLineRunner.InvokeAsync(CommandLine.Create(), args, "edgenode", stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
