using EdgeNode.Inference.Updates;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>Replays, downgrades and paths outside <c>incoming/</c> (issue 20, items 5 and 9): refused with their code, nothing changed.</summary>
public sealed class ModelGuardTests : IDisposable
{
    private readonly UpdaterRig _rig = new();

    private string StateFile => Path.Combine(_rig.ModelsDirectory, "state.json");

    [Fact]
    public async Task InstallFile_OlderSignedVersion_IsRefusedAsDowngrade_UntilAnOperatorSignsTheOverride()
    {
        var publisher = _rig.Publisher;
        using (var updater = _rig.Start())
        {
            await updater.InstallFileAsync(publisher.SignFile(UpdaterRig.Int8, "resnet18-int8", "1.10"), _rig.Staged, CancellationToken.None);
        }

        // After a restart, from state.json: 1.9 is older than 1.10 (numeric parts), however validly signed.
        using var restarted = _rig.Start();
        var older = publisher.SignFile(UpdaterRig.Int8, "resnet18-int8", "1.9");
        var state = File.ReadAllBytes(StateFile);
        var listing = _rig.Listing();
        using var stranger = new Publisher();
        var cases = new[] { older, ModelSigning.SignDowngrade(older, stranger.Signer), older with { Downgrade = older.Signature } };
        foreach (var update in cases)
        {
            var ex = await Assert.ThrowsAsync<ModelUpdateException>(() => restarted.InstallFileAsync(update, _rig.Staged, CancellationToken.None));
            Assert.Equal(ModelUpdateErrors.Downgrade, ex.Code);
            Assert.Contains("older than 1.10", ex.Message, StringComparison.Ordinal);
            Assert.Equal(ModelUpdateErrors.Downgrade, Assert.Throws<ModelUpdateException>(() => restarted.Begin(update, 1 << 20)).Code);
            Assert.Equal("1.10", restarted.Engine.Model.Version);
            Assert.Equal(state, File.ReadAllBytes(StateFile));
            Assert.Equal(listing, _rig.Listing());
            Assert.Null(restarted.Status().Transfer);
        }

        var report = await restarted.InstallFileAsync(ModelSigning.SignDowngrade(older, publisher.Signer), _rig.Staged, CancellationToken.None);

        Assert.Equal("1.9", report.Model.Version);
        Assert.Contains("\"resnet18-int8\": \"1.10\"", File.ReadAllText(StateFile), StringComparison.Ordinal);
        Assert.Equal(ModelUpdateErrors.Downgrade, (await Assert.ThrowsAsync<ModelUpdateException>(() => restarted.InstallFileAsync(publisher.SignFile(UpdaterRig.Int8, "resnet18-int8", "1.9.5"), _rig.Staged, CancellationToken.None))).Code);
        Assert.Equal("1.11", (await restarted.InstallFileAsync(publisher.SignFile(UpdaterRig.Int8, "resnet18-int8", "1.11"), _rig.Staged, CancellationToken.None)).Model.Version);
    }

    [Fact]
    public async Task InstallFile_PathOutsideIncoming_IsRefusedAlikeWhetherTheFileExistsOrNot_NothingRead()
    {
        using var updater = _rig.Start();
        var before = updater.Engine.Model;
        var link = Path.Combine(_rig.Incoming, "link.onnx");
        File.CreateSymbolicLink(link, UpdaterRig.Int8);
        var listing = _rig.Listing();
        var update = _rig.Publisher.SignFile(UpdaterRig.Int8, "resnet18-int8", "2");

        var outside = new[] { UpdaterRig.Int8, "/nonexistent/model.onnx", "../keys/ops.pem", _rig.Incoming + "/../keys/x", link, "link.onnx" };
        var messages = new List<string>();
        foreach (var path in outside)
        {
            var ex = await Assert.ThrowsAsync<ModelUpdateException>(() => updater.InstallFileAsync(update, path, CancellationToken.None));
            Assert.True(ex.Code == ModelUpdateErrors.PathNotAllowed, $"{path}: {ex.Code} {ex.Message}");
            Assert.DoesNotContain(update.Manifest.Sha256, ex.Message, StringComparison.Ordinal);
            messages.Add(ex.Message.Replace(path, "P", StringComparison.Ordinal));
        }

        // An existing file and a missing one get the same words: the reply tells nothing about what is outside.
        Assert.Equal(messages[0], messages[1]);
        Assert.Equal(before, updater.Engine.Model);
        Assert.Equal(listing, _rig.Listing());
        Assert.Equal("2", (await updater.InstallFileAsync(update, "resnet18-int8.onnx", CancellationToken.None)).Model.Version);
    }

    [Fact]
    public void Verify_KeyLimitedToNames_RefusesOtherNames_AcceptsItsOwn()
    {
        File.WriteAllLines(_rig.Dir.File("keys/ops.names"), ["# the vision team's backbones", "resnet18-*", "mobilenet"]);
        using var keys = TrustedModelKeys.Load([_rig.Dir.File("keys")], optional: false);

        Assert.Equal("ops", keys.Verify(_rig.Publisher.SignFile(UpdaterRig.Int8, "resnet18-fp32", "1")));
        Assert.Equal("ops", keys.Verify(_rig.Publisher.SignFile(UpdaterRig.Int8, "mobilenet", "1")));
        var ex = Assert.Throws<ModelUpdateException>(() => keys.Verify(_rig.Publisher.SignFile(UpdaterRig.Int8, "mobilenet-v3", "1")));
        Assert.Equal(ModelUpdateErrors.KeyNotAllowed, ex.Code);
        Assert.Contains("ops.names", ex.Message, StringComparison.Ordinal);

        File.WriteAllText(_rig.Dir.File("keys/ops.names"), "# nothing\n");
        Assert.Contains("names no model", Assert.Throws<ArgumentException>(() => TrustedModelKeys.Load([_rig.Dir.File("keys")], optional: false)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("2", "2.1", -1)]
    [InlineData("2.0.0", "2.0.0", 0)]
    [InlineData("007", "7", 0)]
    [InlineData("99999999999999999999999", "99999999999999999999998", 1)]
    [InlineData("1.0-rc1", "1.0-rc2", -1)]
    public void Compare_Versions_OrderNumericPartsAsNumbers(string left, string right, int sign) =>
        Assert.Equal(sign, Math.Sign(ModelVersionOrder.Compare(left, right)));

    public void Dispose() => _rig.Dispose();
}
