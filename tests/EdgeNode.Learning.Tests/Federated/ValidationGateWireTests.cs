using EdgeNode.Common;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

/// <summary>Issue 15: the validation gate's wire: a scored update (format version 2) and a global head that names its fleet head.</summary>
public sealed class ValidationGateWireTests
{
    private static HeadUpdate Sample() =>
        new("node-1", 7, 6, 120, 0.25f, DeltaCodec.Dense, 3, new byte[] { 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64 }) { Validation = new ValidationScore(40, 31, 29) };

    [Fact]
    public void WriteRead_ScoredUpdate_RoundTripsTheCounts_UnderTheSignature()
    {
        using var signer = EcdsaSigner.Create();
        using var registry = new EcdsaKeyRing();
        registry.Register("node-1", signer.ExportPublicKeyPem());
        var bytes = HeadUpdateWire.Write(Sample(), signer);
        Assert.Equal(HeadUpdateWire.ScoredFormatVersion, bytes[4]);
        var read = HeadUpdateWire.Read(bytes);
        Assert.Equal(new ValidationScore(40, 31, 29), read.Update.Validation);
        Assert.Equal(Sample().Payload.ToArray(), read.Update.Payload.ToArray());
        Assert.True(read.IsSignedBy(registry));

        // A count changed in transit breaks the signature; an unscored update stays format version 1.
        var tampered = (byte[])bytes.Clone();
        tampered[^(2 + 64 + 8)] ^= 0x01;
        Assert.False(HeadUpdateWire.Read(tampered).IsSignedBy(registry));
        Assert.Equal(HeadUpdateWire.FormatVersion, HeadUpdateWire.Write(Sample() with { Validation = null }, signer)[4]);
        Assert.Null(HeadUpdateWire.Read(HeadUpdateWire.Write(Sample() with { Validation = null }, signer)).Update.Validation);
    }

    [Fact]
    public void Problem_ImpossibleCounts_Named_TrueCountsNot()
    {
        Assert.Null(new ValidationScore(10, 10, 0).Problem());
        Assert.NotNull(new ValidationScore(10, 11, 0).Problem());
        Assert.NotNull(new ValidationScore(10, 0, -1).Problem());
        Assert.NotNull(new ValidationScore(-1, 0, 0).Problem());
    }

    [Fact]
    public void GlobalHead_WithFleetHead_RoundTripsBoth_SignedOver_AndAForgedFleetHeadIsRefused()
    {
        var candidate = Head(1f);
        var incumbent = Head(2f);
        var config = new FederatedTrainingConfig { LocalSteps = 5, Gate = true };
        var fleetHead = GlobalHead.Create(incumbent, 1, 2, DateTimeOffset.UnixEpoch, config).HeadBytes;
        var global = GlobalHead.Create(candidate, 3, 4, DateTimeOffset.UnixEpoch, config).WithFleetHead(fleetHead, 1);
        using var signer = EcdsaSigner.Create();
        using var keys = new EcdsaKeyRing();
        keys.Register("global", signer.ExportPublicKeyPem());
        var bytes = global.ToBytes(signer);

        var read = GlobalHead.Parse(bytes);
        Assert.True(read.Config.Gate);
        Assert.Equal(1, read.FleetVersion);
        Assert.Equal(1, read.ServedVersion);
        Assert.Equal(global.Sha256, read.Sha256);
        Assert.True(read.FleetHeadBytes.Span.SequenceEqual(fleetHead.Span));
        Assert.Equal(incumbent.Parameters, read.ReadFleetHead().Parameters);
        Assert.Equal(candidate.Parameters, read.ReadHead().Parameters);
        Assert.NotNull(read.SignerIn(keys));

        // A fleet head byte changed: its SHA-256 no longer matches (and the signature would not verify).
        var forged = (byte[])bytes.Clone();
        forged[^(64 + 10)] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => GlobalHead.Parse(forged));

        // The fleet head being the round's head is not sent twice.
        var same = GlobalHead.Create(candidate, 3, 4, DateTimeOffset.UnixEpoch, config).WithFleetHead(fleetHead, 3);
        Assert.True(same.FleetHeadBytes.IsEmpty);
        Assert.Equal(3, GlobalHead.Parse(same.ToBytes()).ServedVersion);
    }

    [Fact]
    public void Train_UnderTheGate_ScoresTheRoundsHeadAndTheFleetHead_OnTheValidationSamples()
    {
        var (train, test) = EdgeNode.Testing.Blobs.Make(3, 8, 20, 10, 1f);
        var good = new HeadModel(8);
        foreach (var label in train.Classes.Order(StringComparer.Ordinal))
        {
            good.AddClass(label);
        }

        HeadTrainer.Train(good, train, new TrainingOptions { Seed = 1 });
        var blank = good.Clone();
        Array.Clear(blank.Parameters);
        var config = new FederatedTrainingConfig { LocalSteps = 2, Gate = true };
        var global = GlobalHead.Create(blank, 2, 3, DateTimeOffset.UnixEpoch, config).WithFleetHead(GlobalHead.Create(good, 1, 2, DateTimeOffset.UnixEpoch, config).HeadBytes, 1);
        using var signer = EcdsaSigner.Create();
        var update = new FederatedTrainer("n", signer).Train(global, train, 1, default, test).Update;

        var expected = new ValidationScore(test.Count, (int)Math.Round(HeadEvaluator.Accuracy(blank, test) * test.Count), (int)Math.Round(HeadEvaluator.Accuracy(good, test) * test.Count));
        Assert.Equal(expected, update.Validation);
        Assert.True(expected.IncumbentCorrect > expected.CandidateCorrect);
        Assert.Null(new FederatedTrainer("n", signer).Train(global with { Config = config with { Gate = false } }, train, 1, default, test).Update.Validation);
    }

    private static HeadModel Head(float value)
    {
        var head = new HeadModel(4);
        head.AddClass("a");
        head.AddClass("b");
        Array.Fill(head.Parameters, value);
        return head;
    }
}
