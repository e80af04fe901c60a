namespace EdgeNode.Deployment.Tests;

/// <summary>The self-contained linux-arm64 publish runs under qemu-user with its arm64 ONNX Runtime.</summary>
[Collection(Arm64PublishGroup.Name)]
public sealed class Arm64QemuTests(Arm64PublishFixture publish)
{
    // Three ResNet18 inferences under qemu-user take minutes on a busy machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void Publish_LinuxArm64_ShipsArm64ExecutableAndOnnxRuntime()
    {
        // ELF e_machine at offset 18: 0xB7 = AArch64.
        Assert.Equal(0xB7, ElfMachine(Path.Combine(publish.Directory, "edgenode")));
        Assert.Equal(0xB7, ElfMachine(Path.Combine(publish.Directory, "libonnxruntime.so")));
        Assert.True(File.Exists(Path.Combine(publish.Directory, "models", "ResNet18.onnx")));
        Assert.True(File.Exists(Path.Combine(publish.Directory, "models", "manifest.json")));
    }

    [Fact]
    public async Task Version_UnderQemu_ReportsArm64Runtime()
    {
        RequireQemu();
        var result = await Script.RunAsync(Script.Path("run-arm64.sh"), [publish.Directory, "version"], Timeout);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("edgenode ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("linux-arm64 (Arm64)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnxruntime 1.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_BackboneUnderQemu_RunsOnArm64OnnxRuntime()
    {
        RequireQemu();
        var result = await Script.RunAsync(
            Script.Path("run-arm64.sh"),
            [publish.Directory, "bench", "models/ResNet18.onnx", "--runs", "2", "--warmup", "1", "--json"],
            Timeout);

        Assert.True(result.ExitCode == 0, result.Output);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var model = report.RootElement.GetProperty("models")[0];
        Assert.EndsWith("ResNet18.onnx", model.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, model.GetProperty("latency").GetProperty("runs").GetInt32());
        Assert.Equal("cpu", report.RootElement.GetProperty("provider").GetString());
    }

    private static void RequireQemu()
    {
        Tool.Require("qemu-aarch64-static", "qemu-user-static");
        Assert.True(File.Exists("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"), "apt-get install libc6-arm64-cross libstdc++6-arm64-cross");
        Assert.True(File.Exists("/usr/aarch64-linux-gnu/lib/libstdc++.so.6"), "apt-get install libstdc++6-arm64-cross");
    }

    private static int ElfMachine(string path)
    {
        var header = new byte[20];
        using (var stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
        return BitConverter.ToUInt16(header, 18);
    }
}
