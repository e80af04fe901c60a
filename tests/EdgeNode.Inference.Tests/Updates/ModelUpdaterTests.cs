using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Inference.Updates;
using EdgeNode.Testing;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>The whole install path with the real ResNet18 models, ONNX Runtime and files on disk.</summary>
public sealed class ModelUpdaterTests : IDisposable
{
    private readonly UpdaterRig _rig = new();
    private readonly Publisher _publisher;
    private readonly LastFrame _frames;

    public ModelUpdaterTests()
    {
        _publisher = _rig.Publisher;
        _frames = _rig.Frames;
    }

    private static string Int8 => UpdaterRig.Int8;

    private string ModelsDirectory => _rig.ModelsDirectory;

    [Fact]
    public async Task InstallFile_SignedModel_SwapsShadowRunsPersists_RestartAndRollbackFollow()
    {
        var signed = _publisher.SignFile(Int8, "resnet18-int8", "2.0.0");
        using (var updater = Start())
        {
            var report = await updater.InstallFileAsync(signed, _rig.Staged, CancellationToken.None);

            Assert.Equal(new ModelInfo("resnet18-int8", signed.Manifest.Sha256, "CPU", 512, "2.0.0", ModelInfo.Installed), report.Model with { Threads = null, InputSize = 0, MaxBatch = 1 }); // the descriptor; threads, input size and batch are the loaded session's
            Assert.Equal(ModelInfo.Packaged, report.Previous.Source);
            Assert.Equal("ops", report.KeyId);
            Assert.Equal("passed", report.Health);
            Assert.Equal(4, report.Shadow!.Frames);
            Assert.Equal(1.0, report.Shadow.MeanCosine!.Value, 4);
            Assert.Null(report.Shadow.HeadAgreement);
            Assert.Equal("2.0.0", updater.Engine.Model.Version);
            Assert.Equal(ModelUpdateErrors.AlreadyActive, (await Assert.ThrowsAsync<ModelUpdateException>(() => updater.InstallFileAsync(signed, _rig.Staged, CancellationToken.None))).Code);
        }

        using (var restarted = Start())
        {
            Assert.Equal("2.0.0", restarted.Engine.Model.Version);
            // The previous model is described from its manifest entry, not loaded: no execution provider.
            var previous = restarted.Status().Previous!;
            Assert.Equal((ModelInfo.Packaged, string.Empty, 512), (previous.Source, previous.ExecutionProvider, previous.EmbeddingSize));

            var back = await restarted.RollbackAsync(CancellationToken.None);

            Assert.Null(back.Model.Version);
            Assert.Equal("2.0.0", back.Previous.Version);
            Assert.Null(restarted.Engine.Model.Version);
        }

        using (var again = Start())
        {
            Assert.Null(again.Engine.Model.Version);
            Assert.Equal("2.0.0", again.Status().Previous!.Version);
        }
    }

    [Fact]
    public async Task Start_InstalledModelCorrupt_FallsBackToThePackagedModel()
    {
        using (var updater = Start())
        {
            await updater.InstallFileAsync(_publisher.SignFile(Int8, "resnet18-int8", "2.0.0"), _rig.Staged, CancellationToken.None);
        }

        var installed = Directory.GetFiles(ModelsDirectory, "model.onnx", SearchOption.AllDirectories).Single();
        await using (var stream = new FileStream(installed, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 1000;
            stream.WriteByte(0x5A);
        }

        using var restarted = Start();

        Assert.Equal("resnet18-int8", restarted.Engine.Model.Id);
        Assert.Null(restarted.Engine.Model.Version);
    }

    [Fact]
    public async Task InstallFile_BadInput_IsRefusedWithItsCode_ModelAndDiskUnchanged()
    {
        using var updater = Start(new ModelUpdateOptions { MaxModelBytes = 64L * 1024 * 1024, HealthCheckInferences = 0 });
        var before = updater.Engine.Model;
        using var stranger = new Publisher();

        var tooBig = _publisher.SignFile(Int8, "m", "1");
        tooBig = ModelSigning.Sign(tooBig.Manifest with { Size = 65L * 1024 * 1024 }, _publisher.Signer);
        var longer = Copy("longer.onnx", bytes => [.. bytes, 0]);
        var tampered = Copy("tampered.onnx", bytes => bytes);
        var tamperedManifest = _publisher.SignFile(tampered, "m", "1");
        Copy("tampered.onnx", bytes => { bytes[5000] ^= 1; return bytes; });
        var random = Copy("random.onnx", bytes => { new Random(3).NextBytes(bytes); return bytes; });

        var cases = new (string Code, SignedManifest Manifest, string Path)[]
        {
            (ModelUpdateErrors.BadSignature, stranger.SignFile(Int8, "m", "1"), _rig.Staged),
            (ModelUpdateErrors.ModelTooLarge, tooBig, _rig.Staged),
            (ModelUpdateErrors.FileNotFound, _publisher.SignFile(Int8, "m", "1"), "resnet18-int8-missing.onnx"),
            (ModelUpdateErrors.SizeMismatch, _publisher.SignFile(Int8, "m", "1"), longer),
            (ModelUpdateErrors.HashMismatch, tamperedManifest, tampered),
            (ModelUpdateErrors.SpecMismatch, _publisher.SignFile(Int8, "m", "1", new TensorSpec("Pooling395_Output_0", [1, 256, 1, 1])), _rig.Staged),
            (ModelUpdateErrors.LoadFailed, _publisher.SignFile(random, "m", "1"), random),
        };

        foreach (var (code, manifest, path) in cases)
        {
            var ex = await Assert.ThrowsAsync<ModelUpdateException>(() => updater.InstallFileAsync(manifest, path, CancellationToken.None));
            Assert.True(code == ex.Code, $"{code} expected, got {ex.Code}: {ex.Message}");
            Assert.Equal(before, updater.Engine.Model);
        }

        Assert.Equal("none", updater.Status().Health);
        Assert.False(File.Exists(Path.Combine(ModelsDirectory, "state.json")));
        Assert.Empty(Directory.Exists(ModelsDirectory) ? Directory.GetDirectories(ModelsDirectory) : []);
    }

    [Fact]
    public async Task InstallFile_ShadowRunBelowTheThreshold_IsRefused()
    {
        using var updater = Start(new ModelUpdateOptions { MinShadowCosine = 1.0, HealthCheckInferences = 0 });
        var fp32 = Path.Combine(_rig.Incoming, "ResNet18.onnx");
        File.Copy(Path.Combine(RepoPaths.ModelsDirectory, "ResNet18.onnx"), fp32);

        var ex = await Assert.ThrowsAsync<ModelUpdateException>(() => updater.InstallFileAsync(_publisher.SignFile(fp32, "resnet18-fp32", "1"), fp32, CancellationToken.None));

        Assert.Equal(ModelUpdateErrors.ShadowRejected, ex.Code);
        Assert.Contains("over 4 frames is below 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal("resnet18-int8", updater.Engine.Model.Id);
        Assert.Empty(Directory.GetDirectories(ModelsDirectory));
    }

    [Fact]
    public async Task InstallFile_HealthCheckOutlastsTheReply_IsPendingThenPersistedWhenItPasses()
    {
        using var updater = Start(new ModelUpdateOptions { HealthCheckInferences = 2, HealthCheckTimeoutSeconds = 0 });

        var report = await updater.InstallFileAsync(_publisher.SignFile(Int8, "resnet18-int8", "3"), _rig.Staged, CancellationToken.None);
        Assert.Equal("pending", report.Health);
        Assert.False(File.Exists(Path.Combine(ModelsDirectory, "state.json")));
        foreach (var frame in _frames.CopyRecent().Take(2))
        {
            using (frame)
            {
                updater.Engine.Embed(frame, new float[512]);
            }
        }

        for (var i = 0; i < 100 && updater.Status().Health != "passed"; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal("passed", updater.Status().Health);
        Assert.True(File.Exists(Path.Combine(ModelsDirectory, "state.json")));
    }

    public void Dispose() => _rig.Dispose();

    private ModelUpdater Start(ModelUpdateOptions? options = null) => _rig.Start(options);

    private string Copy(string name, Func<byte[], byte[]> change) => _rig.Copy(name, change);
}
