using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// The aggregator's side of a statistics round, transport-free: verifies each signed statistics update under its
/// node's registered key, rejects malformed ones with nothing changed, bounds each node's weight, and sums them
/// exactly (a site's sum is forwarded as one more statistics update, so the hierarchy sums too). Thread-safe.
/// </summary>
public sealed class StatisticsRound
{
    // float32 payloads round each value by 2⁻²⁴ relative; the consistency checks allow that much and a little more.
    private const double Tolerance = 1e-4;
    private readonly EcdsaKeyRing _keys;
    private readonly StatisticsRoundOptions _options;
    private readonly IReadOnlyDictionary<string, double> _limits;
    private readonly SortedDictionary<string, DiscriminantStatistics> _accepted = new(StringComparer.Ordinal);

    /// <summary>Creates the round; <paramref name="senderLimits"/> raises the sample bound of named senders (sites, which forward many nodes).</summary>
    public StatisticsRound(EcdsaKeyRing keys, StatisticsRoundOptions options, IReadOnlyDictionary<string, double>? senderLimits = null)
    {
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _limits = senderLimits ?? new Dictionary<string, double>();
    }

    /// <summary>Updates taken so far.</summary>
    public int Count
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    /// <summary>(ε, δ = 1e-5) of the round when it is noised; 0 otherwise.</summary>
    public double Epsilon => _options.NoiseMultiplier > 0 ? StatisticsNoise.Epsilon(_options.NoiseMultiplier) : 0;

    /// <summary>Variance of the noise on each second-moment entry of <see cref="Close(Random?)"/>'s sum (0 without DP), for noise-aware shrinkage.</summary>
    public double MomentNoiseVariance => _options.NoiseMultiplier > 0 ? Math.Pow(StatisticsNoise.Deviations(_options.NoiseMultiplier, _options.UnitSamples, _options.ClipNorm).Moment, 2) : 0;

    /// <summary>Screens one whole update message and takes it when good and new.</summary>
    public (StatisticsVerdict Verdict, string? Reason) Offer(ReadOnlyMemory<byte> message)
    {
        var (statistics, node, reason) = Check(message);
        return statistics is null ? (StatisticsVerdict.Rejected, reason) : Take(node, statistics);
    }

    /// <summary>
    /// Screens one whole update message (signature, codec, dimension, round, finite values, consistency) without taking it:
    /// the decoded statistics and the signed node id, or null statistics and the reason. Changes nothing.
    /// </summary>
    public (DiscriminantStatistics? Statistics, string Node, string? Reason) Check(ReadOnlyMemory<byte> message) => Screen(message);

    /// <summary>Takes <paramref name="statistics"/> (from <see cref="Check"/>) as <paramref name="node"/>'s, scaled down to its sample bound; the first one of a node counts.</summary>
    public (StatisticsVerdict Verdict, string? Reason) Take(string node, DiscriminantStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(statistics);
        var limit = _limits.GetValueOrDefault(node, _options.MaxSamplesPerNode);
        var bounded = statistics.Count > limit;
        lock (_accepted)
        {
            if (_accepted.ContainsKey(node))
            {
                return (StatisticsVerdict.Duplicate, null);
            }

            if (bounded)
            {
                statistics = statistics.Clone();
                statistics.Scale(limit / statistics.Count);
            }

            _accepted.Add(node, statistics);
        }

        return bounded
            ? (StatisticsVerdict.Bounded, FormattableString.Invariant($"counts scaled to the bound of {limit} samples"))
            : (StatisticsVerdict.Accepted, null);
    }

    /// <summary>Whether <paramref name="node"/> has contributed to the round.</summary>
    public bool Contains(string node)
    {
        lock (_accepted)
        {
            return _accepted.ContainsKey(node);
        }
    }

    /// <summary>The nodes that contributed, in id order.</summary>
    public IReadOnlyList<string> Nodes
    {
        get
        {
            lock (_accepted)
            {
                return [.. _accepted.Keys];
            }
        }
    }

    /// <summary>The sum of the updates taken (in node-id order, so the result does not depend on arrival), noised when DP is on.</summary>
    /// <exception cref="InvalidOperationException">No update was taken.</exception>
    public DiscriminantStatistics Close(Random? noise = null) => Close([], noise);

    /// <summary>
    /// As <see cref="Close(Random?)"/>, with <paramref name="classes"/> first in the sum's class order (the fleet head's order,
    /// so the fitted head keeps it); classes only the updates name follow in node-id order.
    /// </summary>
    /// <exception cref="InvalidOperationException">No update was taken.</exception>
    public DiscriminantStatistics Close(IEnumerable<string> classes, Random? noise = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var total = new DiscriminantStatistics(_options.Dimension);
        foreach (var label in classes)
        {
            total.AddClass(label);
        }

        lock (_accepted)
        {
            if (_accepted.Count == 0)
            {
                throw new InvalidOperationException("No statistics update was accepted in this round.");
            }

            foreach (var statistics in _accepted.Values)
            {
                total.Add(statistics);
            }
        }

        if (_options.NoiseMultiplier > 0)
        {
            StatisticsNoise.Add(total, _options.NoiseMultiplier, _options.UnitSamples, _options.ClipNorm, noise ?? Random.Shared);
        }

        return total;
    }

    private (DiscriminantStatistics? Statistics, string Node, string? Reason) Screen(ReadOnlyMemory<byte> message)
    {
        SignedHeadUpdate signed;
        try
        {
            signed = HeadUpdateWire.Read(message);
        }
        catch (InvalidDataException ex)
        {
            return (null, string.Empty, ex.Message);
        }

        var u = signed.Update;
        string? problem = !signed.IsSignedBy(_keys) ? "signature does not verify under a registered key"
            : u.Codec != DeltaCodec.Statistics ? "not a statistics update"
            : u.ParameterCount != _options.Dimension ? $"dimension {u.ParameterCount}, the fleet's embeddings are {_options.Dimension}-d"
            : u.Round != _options.Round ? $"round {u.Round}, the open statistics round is {_options.Round}"
            : null;
        if (problem is not null)
        {
            return (null, u.NodeId, problem);
        }

        DiscriminantStatistics statistics;
        try
        {
            statistics = StatisticsCodec.Decode(u.Payload.Span, _options.Dimension);
        }
        catch (InvalidDataException ex)
        {
            return (null, u.NodeId, ex.Message);
        }

        var inconsistent = Consistency(statistics, u.SampleCount);
        return (inconsistent is null ? statistics : null, u.NodeId, inconsistent);
    }

    /// <summary>Why <paramref name="s"/> cannot come from real (clipped) samples, or null.</summary>
    private string? Consistency(DiscriminantStatistics s, int declared)
    {
        if (!(s.Count >= 1) || Math.Abs(Math.Ceiling(s.Count) - declared) > 0)
        {
            return FormattableString.Invariant($"sample count {declared} does not match the statistics' {s.Count}");
        }

        var d = s.Dimension;
        double trace = 0, spread = 0;
        for (var j = 0; j < d; j++)
        {
            trace += s.SecondMoment[(j * d) + j];
        }

        for (var c = 0; c < s.Classes.Count; c++)
        {
            var sum = s.SumOf(c);
            var squared = System.Numerics.Tensors.TensorPrimitives.Dot(sum, sum);
            if (s.CountOf(c) == 0 && squared > 0)
            {
                return $"class '{s.Classes[c]}' has a sum but no samples";
            }

            if (s.CountOf(c) > 0)
            {
                spread += squared / s.CountOf(c);
                if (_options.ClipNorm > 0 && Math.Sqrt(squared) > s.CountOf(c) * _options.ClipNorm * (1 + Tolerance))
                {
                    return $"class '{s.Classes[c]}' has a sum larger than its clipped samples can make";
                }
            }
        }

        // Σ‖x‖² ≥ Σ_c ‖s_c‖² / n_c (Cauchy–Schwarz), and with clipping Σ‖x‖² ≤ n·C².
        if (trace < spread * (1 - Tolerance))
        {
            return "the second moment is smaller than the class sums imply";
        }

        return _options.ClipNorm > 0 && trace > s.Count * _options.ClipNorm * _options.ClipNorm * (1 + Tolerance)
            ? "the second moment is larger than clipped samples can make"
            : null;
    }
}
