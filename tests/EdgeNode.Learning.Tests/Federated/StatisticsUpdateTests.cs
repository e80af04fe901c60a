using System.Buffers.Binary;
using System.Text;
using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Federated;

/// <summary>Issue 15, item 2: the statistics round as the global head announces it and a node answers it.</summary>
public sealed class StatisticsUpdateTests
{
    private const int Dimension = 8;
    private static readonly (SampleSet Train, SampleSet Test) Data = Blobs.Make(3, Dimension, 10, 1, 1f);

    [Fact]
    public void GlobalHead_StatisticsFlag_RoundTrips_AndAHeadWithoutItIsAGradientRound()
    {
        var global = GlobalHead.Create(Fleet(), 0, 1, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig { Statistics = true });
        Assert.True(GlobalHead.Parse(global.ToBytes()).Config.Statistics);
        Assert.False(GlobalHead.Parse((global with { Config = global.Config with { Statistics = false } }).ToBytes()).Config.Statistics);

        // A head published before the statistics round has no "statistics" key.
        var bytes = global.ToBytes();
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(5));
        var json = Encoding.UTF8.GetString(bytes, 9, length).Replace(",\"statistics\":true", string.Empty, StringComparison.Ordinal);
        var header = Encoding.UTF8.GetBytes(json);
        var old = new byte[9 + header.Length + global.HeadBytes.Length];
        bytes.AsSpan(0, 5).CopyTo(old);
        BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(5), header.Length);
        header.CopyTo(old, 9);
        global.HeadBytes.Span.CopyTo(old.AsSpan(9 + header.Length));
        Assert.DoesNotContain("statistics", json, StringComparison.Ordinal);
        Assert.False(GlobalHead.Parse(old).Config.Statistics);
    }

    [Fact]
    public void Train_StatisticsRound_SendsTheLocalStatistics_SignedAsAnyUpdate()
    {
        using var signer = EcdsaSigner.Create();
        using var keys = new EcdsaKeyRing();
        keys.Register("n0", signer.ExportPublicKeyPem());
        var global = GlobalHead.Create(Fleet(), 0, 1, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig { Statistics = true });

        var (wire, update) = new FederatedTrainer("n0", signer).Train(global, Data.Train, 1, default);

        var read = HeadUpdateWire.Read(wire);
        Assert.True(read.IsSignedBy(keys));
        Assert.Equal((DeltaCodec.Statistics, Dimension, Data.Train.Count, 1L, 0L), (update.Codec, update.ParameterCount, update.SampleCount, update.Round, update.BaseVersion));
        var sent = StatisticsCodec.Decode(read.Update.Payload.Span, Dimension);
        var local = new DiscriminantStatistics(Dimension);
        local.AddRange(Data.Train);
        Assert.Equal(local.Classes, sent.Classes);
        for (var c = 0; c < local.Classes.Count; c++)
        {
            Assert.Equal(local.CountOf(c), sent.CountOf(c));
            for (var j = 0; j < Dimension; j++)
            {
                // float32 on the wire.
                Assert.Equal(local.SumOf(c)[j], sent.SumOf(c)[j], Math.Abs(local.SumOf(c)[j]) * 1e-7);
            }
        }
    }

    [Fact]
    public void Train_StatisticsRound_ALocalClassTheFleetLacks_Throws()
    {
        using var signer = EcdsaSigner.Create();
        var local = new SampleSet(Dimension);
        local.Add(new float[Dimension], "elsewhere");
        var global = GlobalHead.Create(Fleet(), 0, 1, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig { Statistics = true });
        Assert.Throws<ArgumentException>(() => new FederatedTrainer("n0", signer).Train(global, local, 1, default));
    }

    [Fact]
    public void Close_WithTheFleetsClasses_KeepsTheirOrder_WhateverTheNodesSent()
    {
        using var signer = EcdsaSigner.Create();
        using var keys = new EcdsaKeyRing();
        keys.Register("n0", signer.ExportPublicKeyPem());
        var round = new StatisticsRound(keys, new StatisticsRoundOptions { Dimension = Dimension });
        var reversed = new SampleSet(Dimension);
        for (var i = Data.Train.Count - 1; i >= 0; i--)
        {
            reversed.Add(Data.Train.Row(i), Data.Train.LabelOf(i));
        }

        Assert.Equal(StatisticsVerdict.Accepted, round.Offer(StatisticsContribution.Write("n0", 1, 0, StatisticsContribution.Of(reversed), signer)).Verdict);
        string[] fleet = ["class0", "class1", "class2", "class9"];
        Assert.Equal(fleet, round.Close(fleet).Classes);
        Assert.Equal(["class2", "class1", "class0"], round.Close().Classes);
    }

    private static HeadModel Fleet()
    {
        var head = new HeadModel(Dimension);
        foreach (var label in Data.Train.Classes)
        {
            head.AddClass(label);
        }

        return head;
    }
}
