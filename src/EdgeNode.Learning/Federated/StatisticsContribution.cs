using System.Numerics.Tensors;
using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>A node's side of a statistics round: its statistics (optionally per-sample clipped for DP) as a signed update.</summary>
public static class StatisticsContribution
{
    /// <summary>
    /// The statistics of <paramref name="data"/>; with <paramref name="clipNorm"/> &gt; 0 each embedding is first scaled
    /// down to L2 norm ≤ C, which bounds what one sample adds (‖x‖ ≤ C, ‖xxᵀ‖_F ≤ C²) for the DP noise.
    /// </summary>
    public static DiscriminantStatistics Of(SampleSet data, double clipNorm = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        var statistics = new DiscriminantStatistics(data.Dimension);
        if (clipNorm <= 0)
        {
            statistics.AddRange(data);
            return statistics;
        }

        var clipped = new SampleSet(data.Dimension, data.Count);
        var row = new float[data.Dimension];
        for (var i = 0; i < data.Count; i++)
        {
            data.Row(i).CopyTo(row);
            var norm = TensorPrimitives.Norm<float>(row);
            if (norm > clipNorm)
            {
                TensorPrimitives.Multiply(row, (float)(clipNorm / norm), row);
            }

            clipped.Add(row, data.LabelOf(i));
        }

        statistics.AddRange(clipped);
        return statistics;
    }

    /// <summary>The signed update message (<see cref="HeadUpdateWire"/>, codec <see cref="DeltaCodec.Statistics"/>) carrying <paramref name="statistics"/>.</summary>
    public static byte[] Write(string nodeId, long round, long baseVersion, DiscriminantStatistics statistics, EcdsaSigner signer, StatisticsPrecision precision = StatisticsPrecision.Compact)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return HeadUpdateWire.Write(Update(nodeId, round, baseVersion, statistics, precision), signer);
    }

    /// <summary>The unsigned update (codec <see cref="DeltaCodec.Statistics"/>, sample count ⌈N⌉) carrying <paramref name="statistics"/>.</summary>
    public static HeadUpdate Update(string nodeId, long round, long baseVersion, DiscriminantStatistics statistics, StatisticsPrecision precision = StatisticsPrecision.Compact)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var count = (int)Math.Min(int.MaxValue, Math.Ceiling(statistics.Count));
        return new HeadUpdate(nodeId, round, baseVersion, count, 0, DeltaCodec.Statistics, statistics.Dimension, StatisticsCodec.Encode(statistics, precision));
    }
}
