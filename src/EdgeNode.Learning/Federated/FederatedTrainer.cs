using System.Numerics.Tensors;
using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// A node's side of a round: trains a copy of the global head on the local samples, takes the delta, clips it,
/// encodes it (keeping the error-feedback residual between rounds) and signs the update.
/// </summary>
public sealed class FederatedTrainer(string nodeId, EcdsaSigner signer)
{
    private float[] _residual = [];

    // FedDyn's gᵢ: the node's loss gradient at its last local optimum, carried between rounds (reset when the layout changes).
    private float[] _dynamic = [];

    // SCAFFOLD's cᵢ, and the global head (version, parameters) the last round started from, to derive c from the next one.
    private float[] _control = [];
    private float[] _previous = [];
    private long _previousVersion = -1;

    /// <summary>The node id updates are sent as.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>
    /// Trains from <paramref name="global"/> on <paramref name="local"/> (or, in a statistics round, sums the local samples'
    /// discriminant statistics, float32 on the wire); returns the signed wire bytes and the update. Under the fleet's
    /// validation gate (<see cref="FederatedTrainingConfig.Gate"/>) the update carries the scores of the round's head and
    /// the fleet head on <paramref name="validation"/> (samples kept out of <paramref name="local"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The samples do not fit the head, or hold a class the fleet head lacks.</exception>
    public (byte[] Wire, HeadUpdate Update) Train(GlobalHead global, SampleSet local, int seed, CancellationToken cancellationToken, SampleSet? validation = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(local);
        var start = global.ReadHead();
        foreach (var label in local.Classes)
        {
            if (start.IndexOf(label) < 0)
            {
                throw new ArgumentException($"The local class '{label}' is not in the fleet head.", nameof(local));
            }
        }

        if (global.Config.Statistics)
        {
            // A statistics round: the exact sums of the local samples, not a delta (the next global is their discriminant).
            return Contribute(global, StatisticsContribution.Of(local));
        }

        var head = start.Clone();
        var options = global.Config.ToTrainingOptions(seed);
        var alpha = global.Config.Dynamic;
        if (alpha > 0)
        {
            if (_dynamic.Length != head.ParameterCount)
            {
                _dynamic = new float[head.ParameterCount];
            }

            options = options with { GradientOffset = _dynamic };
        }

        var fleetControl = global.Config.Scaffold && global.Config.LocalSteps > 0 ? ScaffoldStart(global, start, options) : null;
        if (fleetControl is not null)
        {
            // The step follows g − cᵢ + c: the offset subtracted from every gradient is cᵢ − c.
            var offset = new float[head.ParameterCount];
            TensorPrimitives.Subtract(_control, fleetControl, offset);
            options = options with { GradientOffset = offset };
        }

        var report = HeadTrainer.Train(head, local, options, cancellationToken);
        var delta = new float[head.ParameterCount];
        TensorPrimitives.Subtract(head.Parameters, start.Parameters, delta);
        if (alpha > 0)
        {
            // At the local optimum ∇Lᵢ(θᵢ) = gᵢ − α(θᵢ − θ): that gradient is the next round's gᵢ.
            TensorPrimitives.MultiplyAdd(delta, -alpha, _dynamic, _dynamic);
        }

        if (fleetControl is not null)
        {
            // cᵢ ← cᵢ − c − Δᵢ/(K·η).
            TensorPrimitives.Subtract(_control, fleetControl, _control);
            TensorPrimitives.MultiplyAdd(delta, -1f / (global.Config.LocalSteps * global.Config.LearningRate), _control, _control);
        }
        if (global.Config.ClipNorm > 0)
        {
            RobustAggregator.Clip(delta, global.Config.ClipNorm);
        }

        var codec = CodecSettings.Parse(global.Config.Compression);
        if (_residual.Length != delta.Length)
        {
            _residual = new float[delta.Length];
        }

        var payload = DeltaEncoder.Encode(delta, TensorLayout.Of(head), codec, codec.Codec == DeltaCodec.Dense ? [] : _residual);
        var update = new HeadUpdate(NodeId, global.Round, global.Version, local.Count, (float)report.FinalLoss, codec.Codec, delta.Length, payload)
        {
            Validation = global.Config.Gate && validation is { Count: > 0 } ? ValidationScore.Of(global, validation) : null,
        };
        return (HeadUpdateWire.Write(update, signer), update);
    }

    /// <summary>
    /// A statistics round's update (<see cref="DeltaCodec.Statistics"/>, float32 on the wire) carrying <paramref name="statistics"/>
    /// (e.g. the node's ledger of every label it was given), signed as any update.
    /// </summary>
    /// <exception cref="ArgumentException">Another dimension than the fleet head's, or samples of a class the fleet head lacks.</exception>
    public (byte[] Wire, HeadUpdate Update) Contribute(GlobalHead global, DiscriminantStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(statistics);
        var fleet = global.ReadHead();
        if (statistics.Dimension != fleet.InputSize)
        {
            throw new ArgumentException($"The statistics are {statistics.Dimension}-d; the fleet head takes {fleet.InputSize}.", nameof(statistics));
        }

        for (var c = 0; c < statistics.Classes.Count; c++)
        {
            if (statistics.CountOf(c) > 0 && fleet.IndexOf(statistics.Classes[c]) < 0)
            {
                throw new ArgumentException($"The local class '{statistics.Classes[c]}' is not in the fleet head.", nameof(statistics));
            }
        }

        var update = StatisticsContribution.Update(NodeId, global.Round, global.Version, statistics);
        return (HeadUpdateWire.Write(update, signer), update);
    }

    /// <summary>The fleet's control variate c for this round (zero when this node did not train on the head just before it).</summary>
    private float[] ScaffoldStart(GlobalHead global, HeadModel start, TrainingOptions options)
    {
        var p = start.ParameterCount;
        var c = new float[p];
        if (_control.Length != p)
        {
            _control = new float[p];
        }

        if (_previousVersion == global.Version - 1 && _previous.Length == p)
        {
            TensorPrimitives.Subtract(start.Parameters, _previous, c);
            TensorPrimitives.Multiply(c, -1f / (options.Steps * options.LearningRate), c);
        }
        else
        {
            Array.Clear(_control);
        }

        _previous = (float[])start.Parameters.Clone();
        _previousVersion = global.Version;
        return c;
    }
}
