using System.Buffers.Binary;
using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Learning.Tests.Discriminant;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class StatisticsRoundTests : IDisposable
{
    private const int Dimension = 12;
    private readonly EcdsaKeyRing _keys = new();
    private readonly Dictionary<string, EcdsaSigner> _signers = new(StringComparer.Ordinal);
    private readonly SampleSet _train;
    private readonly SampleSet[] _shards;

    public StatisticsRoundTests()
    {
        (_train, _) = Blobs.Make(classes: 4, dimension: Dimension, trainPerClass: 25, testPerClass: 1, spread: 1f);
        _shards = Blobs.Shards(_train, nodes: 4, classesPerNode: 2);
        foreach (var node in new[] { "n0", "n1", "n2", "n3", "site-a", "site-b" })
        {
            _signers[node] = EcdsaSigner.Create();
            _keys.Register(node, _signers[node].ExportPublicKeyPem());
        }
    }

    [Fact]
    public void Close_SignedShards_EqualsCentralizedFit()
    {
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension });
        for (var i = 0; i < _shards.Length; i++)
        {
            Assert.Equal(StatisticsVerdict.Accepted, round.Offer(Message("n" + i, StatisticsContribution.Of(_shards[i]), StatisticsPrecision.Exact)).Verdict);
        }

        var central = new DiscriminantStatistics(Dimension);
        central.AddRange(_train);
        var total = round.Close();

        DiscriminantStatisticsTests.AssertSame(central, total, 1e-9);
        DiscriminantStatisticsTests.AssertSameHead(LinearDiscriminant.Fit(central), LinearDiscriminant.Fit(total), 1e-9);
    }

    [Fact]
    public void Close_SitesForwardSums_EqualsCentralizedFit()
    {
        var exact = StatisticsPrecision.Exact;
        var siteA = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension });
        var siteB = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension });
        siteA.Offer(Message("n0", StatisticsContribution.Of(_shards[0]), exact));
        siteA.Offer(Message("n1", StatisticsContribution.Of(_shards[1]), exact));
        siteB.Offer(Message("n2", StatisticsContribution.Of(_shards[2]), exact));
        siteB.Offer(Message("n3", StatisticsContribution.Of(_shards[3]), exact));
        var parent = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension, MaxSamplesPerNode = 30 }, new Dictionary<string, double> { ["site-a"] = 1000, ["site-b"] = 1000 });

        Assert.Equal(StatisticsVerdict.Accepted, parent.Offer(Message("site-a", siteA.Close(), exact)).Verdict);
        Assert.Equal(StatisticsVerdict.Accepted, parent.Offer(Message("site-b", siteB.Close(), exact)).Verdict);

        var central = new DiscriminantStatistics(Dimension);
        central.AddRange(_train);
        DiscriminantStatisticsTests.AssertSame(central, parent.Close(), 1e-9);
    }

    [Fact]
    public void Encode_CompactPrecision_RoundTripsWithinFloat32()
    {
        var statistics = StatisticsContribution.Of(_train);

        var exact = StatisticsCodec.Decode(StatisticsCodec.Encode(statistics, StatisticsPrecision.Exact), Dimension);
        var compact = StatisticsCodec.Decode(StatisticsCodec.Encode(statistics, StatisticsPrecision.Compact), Dimension);

        DiscriminantStatisticsTests.AssertSame(statistics, exact, 0);
        DiscriminantStatisticsTests.AssertSame(statistics, compact, 1e-6);
        Assert.Equal(14 + (4 * (2 + 6 + 8 + (4 * Dimension))) + (4 * Dimension * (Dimension + 1) / 2), StatisticsCodec.Encode(statistics).Length);
    }

    [Theory]
    [InlineData(double.NaN, "sum")]
    [InlineData(double.PositiveInfinity, "sum")]
    [InlineData(double.NaN, "moment")]
    [InlineData(double.NegativeInfinity, "moment")]
    [InlineData(double.NaN, "count")]
    public void Offer_NonFiniteStatistic_IsRejectedAndChangesNothing(double value, string where)
    {
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension });
        round.Offer(Message("n0", StatisticsContribution.Of(_shards[0]), StatisticsPrecision.Exact));
        var before = round.Close();
        var payload = StatisticsCodec.Encode(StatisticsContribution.Of(_shards[1]), StatisticsPrecision.Exact);
        var firstClass = 14 + 2 + "class0".Length;
        var at = where switch { "count" => firstClass, "sum" => firstClass + 8 + 16, _ => payload.Length - 8 };
        BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(at), value);

        var (verdict, reason) = round.Offer(Signed("n1", payload, _shards[1].Count, Dimension));

        Assert.Equal(StatisticsVerdict.Rejected, verdict);
        Assert.Contains("non-finite", reason!.Replace("NaN or infinite", "non-finite", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(1, round.Count);
        DiscriminantStatisticsTests.AssertSame(before, round.Close(), 0);
    }

    [Fact]
    public void Offer_WrongDimension_IsRejectedAndChangesNothing()
    {
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension });
        var (small, _) = Blobs.Make(classes: 2, dimension: 8, trainPerClass: 5, testPerClass: 1, spread: 1f);
        var wrongHeader = Message("n0", StatisticsContribution.Of(small));
        var wrongPayload = Signed("n1", StatisticsCodec.Encode(StatisticsContribution.Of(small)), small.Count, Dimension);

        var header = round.Offer(wrongHeader);
        var payload = round.Offer(wrongPayload);

        Assert.Equal(StatisticsVerdict.Rejected, header.Verdict);
        Assert.Contains("dimension 8", header.Reason, StringComparison.Ordinal);
        Assert.Equal(StatisticsVerdict.Rejected, payload.Verdict);
        Assert.Contains("8-d", payload.Reason, StringComparison.Ordinal);
        Assert.Equal(0, round.Count);
        Assert.Throws<InvalidOperationException>(() => round.Close());
    }

    [Fact]
    public void Offer_ForgedCountsTimes1000_AreBoundedToTheLimit()
    {
        var limit = 60.0;
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension, MaxSamplesPerNode = limit });
        var honest = StatisticsContribution.Of(_shards[0]);
        var forged = StatisticsContribution.Of(_shards[1]);
        forged.Scale(1000);

        Assert.Equal(StatisticsVerdict.Accepted, round.Offer(Message("n0", honest)).Verdict);
        var (verdict, reason) = round.Offer(Message("n1", forged));

        Assert.Equal(StatisticsVerdict.Bounded, verdict);
        Assert.Contains("60", reason, StringComparison.Ordinal);
        var total = round.Close();
        Assert.Equal(honest.Count + limit, total.Count, 6);
    }

    [Fact]
    public void Offer_CountsWithoutMatchingSums_AreBoundedOrRejected()
    {
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension, MaxSamplesPerNode = 60 });
        var statistics = StatisticsContribution.Of(_shards[1]);
        for (var c = 0; c < statistics.Classes.Count; c++)
        {
            statistics.SetClass(c, statistics.CountOf(c) * 1000, statistics.SumOf(c));
        }

        var (verdict, _) = round.Offer(Message("n1", statistics));

        Assert.Equal(StatisticsVerdict.Bounded, verdict);
        Assert.True(round.Close().Count <= 60 + 1e-9);
    }

    [Fact]
    public void Offer_UnregisteredDuplicateOrUnclipped_IsNotCounted()
    {
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension, ClipNorm = 1 });
        using var stranger = EcdsaSigner.Create();
        var clipped = StatisticsContribution.Of(_shards[0], clipNorm: 1);

        Assert.Equal(StatisticsVerdict.Rejected, round.Offer(StatisticsContribution.Write("n0", 1, 0, clipped, stranger)).Verdict);
        Assert.Equal(StatisticsVerdict.Accepted, round.Offer(Message("n0", clipped)).Verdict);
        Assert.Equal(StatisticsVerdict.Duplicate, round.Offer(Message("n0", clipped)).Verdict);
        var (verdict, reason) = round.Offer(Message("n1", StatisticsContribution.Of(_shards[1])));
        Assert.Equal(StatisticsVerdict.Rejected, verdict);
        Assert.Contains("clipped", reason, StringComparison.Ordinal);
        Assert.Equal(1, round.Count);
    }

    [Fact]
    public void Close_WithDpNoise_ChangesStatisticsAndAccountsEpsilon()
    {
        var z = StatisticsNoise.MultiplierFor(8);
        var round = new StatisticsRound(_keys, new StatisticsRoundOptions { Dimension = Dimension, ClipNorm = 1, NoiseMultiplier = z, MaxSamplesPerNode = 50 });
        var clipped = StatisticsContribution.Of(_shards[0], clipNorm: 1);
        round.Offer(Message("n0", clipped));

        var noised = round.Close(new Random(5));

        Assert.InRange(round.Epsilon, 7.9, 8.0);
        Assert.True(StatisticsNoise.Epsilon(2 * z) < StatisticsNoise.Epsilon(z));
        Assert.NotEqual(clipped.SecondMoment[1], noised.SecondMoment[1]);
        Assert.Equal(clipped.Classes, noised.Classes);
    }

    public void Dispose()
    {
        _keys.Dispose();
        foreach (var signer in _signers.Values)
        {
            signer.Dispose();
        }
    }

    private byte[] Message(string node, DiscriminantStatistics statistics, StatisticsPrecision precision = StatisticsPrecision.Compact) =>
        StatisticsContribution.Write(node, 1, 0, statistics, _signers[node], precision);

    private byte[] Signed(string node, byte[] payload, int count, int dimension) =>
        HeadUpdateWire.Write(new HeadUpdate(node, 1, 0, count, 0, DeltaCodec.Statistics, dimension, payload), _signers[node]);
}
