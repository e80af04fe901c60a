using System.Numerics.Tensors;
using EdgeNode.Common;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// Combines a round's deltas: staleness weighting or dropping, norm-outlier rejection, optional norm bound,
/// optional client-level DP (clip, unweighted mean, Gaussian noise), then FedAvg, trimmed mean or median.
/// </summary>
public static class RobustAggregator
{
    /// <summary>Combines <paramref name="deltas"/> made against versions up to <paramref name="currentVersion"/>.</summary>
    /// <param name="deltas">The round's deltas (all of the same length).</param>
    /// <param name="currentVersion">The global version the round started from.</param>
    /// <param name="options">Rule and screening.</param>
    /// <param name="noise">Randomness for DP noise (required when DP is on).</param>
    public static AggregationResult Aggregate(IReadOnlyList<ContributedDelta> deltas, long currentVersion, AggregationOptions options, Random? noise = null)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (deltas.Count == 0)
        {
            return new AggregationResult([], [], [], 0);
        }

        var length = deltas[0].Delta.Length;
        var rejected = new List<(string, string)>();
        var kept = new List<(ContributedDelta Delta, double Weight, float Norm)>();
        foreach (var d in deltas)
        {
            var staleness = currentVersion - d.BaseVersion;
            if (d.Delta.Length != length)
            {
                rejected.Add((d.NodeId, "shape"));
            }
            else if (!EmbeddingGuard.IsFinite(d.Delta))
            {
                rejected.Add((d.NodeId, "not finite"));
            }
            else if (staleness < 0 || staleness > options.MaxStaleness || (staleness > 0 && options.Staleness == StalenessPolicy.Drop))
            {
                rejected.Add((d.NodeId, "stale"));
            }
            else if (d.SampleCount <= 0)
            {
                rejected.Add((d.NodeId, "no samples"));
            }
            else
            {
                var weight = d.SampleCount * Math.Pow(1 + staleness, -options.StalenessExponent);
                kept.Add((d, weight, TensorPrimitives.Norm(d.Delta)));
            }
        }

        if (options.NormOutlierFactor > 0 && kept.Count >= 3)
        {
            var norms = kept.Select(k => k.Norm).Order().ToArray();
            var median = norms[norms.Length / 2];
            var limit = options.NormOutlierFactor * Math.Max(median, 1e-12f);
            foreach (var k in kept.Where(k => k.Norm > limit).ToList())
            {
                rejected.Add((k.Delta.NodeId, "norm outlier"));
                kept.Remove(k);
            }
        }

        var result = new float[length];
        if (kept.Count == 0)
        {
            return new AggregationResult(result, [], rejected, 0);
        }

        var dp = options.DpNoiseMultiplier > 0;
        var bound = dp ? options.DpClipNorm : options.MaxNorm;
        var bounded = !dp && options.Rule == AggregationRule.FedAvg && options.SampleCountCap > 0 && kept.Count >= 3;
        var samples = kept.Select(k => (long)k.Delta.SampleCount).ToArray();
        if (bounded)
        {
            // One node weighs at most a multiple of the median node: a self-reported count cannot outvote the round.
            var cap = (long)Math.Ceiling(options.SampleCountCap * samples.Order().ElementAt(samples.Length / 2));
            for (var i = 0; i < kept.Count; i++)
            {
                samples[i] = Math.Min(samples[i], cap);
                kept[i] = kept[i] with { Weight = kept[i].Weight * samples[i] / kept[i].Delta.SampleCount };
            }
        }

        var vectors = kept.Select(k => Bounded(k.Delta.Delta, k.Norm, bound)).ToList();
        if (dp)
        {
            // Client-level DP (DP-FedAvg): equal weights, so one client moves the sum by at most C.
            ArgumentNullException.ThrowIfNull(noise);
            foreach (var v in vectors)
            {
                TensorPrimitives.Add(result, v, result);
            }

            var std = (float)(options.DpNoiseMultiplier * options.DpClipNorm);
            for (var i = 0; i < length; i++)
            {
                result[i] += std * (float)StandardNormal.Sample(noise);
            }

            TensorPrimitives.Divide(result, vectors.Count, result);
        }
        else
        {
            switch (options.Rule)
            {
                case AggregationRule.FedAvg:
                    WeightedMean(vectors, kept.Select(k => k.Weight).ToArray(), result);
                    break;
                default:
                    CoordinateWise(vectors, options.Rule == AggregationRule.Median ? -1 : (int)Math.Floor(options.TrimFraction * vectors.Count), result);
                    break;
            }
        }

        // The capped counts: a site forwards them as its own update's weight, so an inflated count does not travel up.
        return new AggregationResult(result, kept.Select(k => k.Delta.NodeId).ToList(), rejected, samples.Sum());
    }

    /// <summary>Scales <paramref name="delta"/> in place to L2 norm ≤ <paramref name="bound"/> (0: no bound); returns the factor applied.</summary>
    public static float Clip(Span<float> delta, double bound)
    {
        var norm = TensorPrimitives.Norm(delta);
        if (bound <= 0 || norm <= bound)
        {
            return 1f;
        }

        var factor = (float)(bound / norm);
        TensorPrimitives.Multiply(delta, factor, delta);
        return factor;
    }

    private static float[] Bounded(float[] delta, float norm, double bound)
    {
        if (bound <= 0 || norm <= bound)
        {
            return delta;
        }

        var copy = (float[])delta.Clone();
        TensorPrimitives.Multiply(copy, (float)(bound / norm), copy);
        return copy;
    }

    private static void WeightedMean(List<float[]> vectors, double[] weights, Span<float> result)
    {
        var total = weights.Sum();
        for (var i = 0; i < vectors.Count; i++)
        {
            TensorPrimitives.MultiplyAdd(vectors[i], (float)(weights[i] / total), result, result);
        }
    }

    /// <summary>Coordinate-wise median (<paramref name="trim"/> &lt; 0) or mean after trimming <paramref name="trim"/> values at each end.</summary>
    private static void CoordinateWise(List<float[]> vectors, int trim, Span<float> result)
    {
        var n = vectors.Count;
        var column = new float[n];
        for (var j = 0; j < result.Length; j++)
        {
            for (var i = 0; i < n; i++)
            {
                column[i] = vectors[i][j];
            }

            Array.Sort(column);
            if (trim < 0)
            {
                result[j] = n % 2 == 1 ? column[n / 2] : 0.5f * (column[(n / 2) - 1] + column[n / 2]);
            }
            else
            {
                var t = Math.Min(trim, (n - 1) / 2);
                result[j] = TensorPrimitives.Sum(column.AsSpan(t, n - (2 * t))) / (n - (2 * t));
            }
        }
    }
}
