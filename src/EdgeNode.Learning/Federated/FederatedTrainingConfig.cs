namespace EdgeNode.Learning.Federated;

/// <summary>How nodes train and send their update for a round; published with the global head.</summary>
public sealed record FederatedTrainingConfig
{
    /// <summary>Local epochs per round.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Local mini-batch steps per round (0: <see cref="Epochs"/> passes instead), the same at any data size.</summary>
    public int LocalSteps { get; init; }

    /// <summary>
    /// FedDyn α (Acar et al. 2021; 0: off): nodes add α/2‖θ − θ_global‖² and a linear term they carry between rounds, and the
    /// aggregator corrects the mean delta with its running state, so that under non-IID data the fixed point is the
    /// minimiser of the fleet's loss rather than a drifted mix of local minimisers.
    /// </summary>
    public float Dynamic { get; init; }

    /// <summary>
    /// SCAFFOLD (Karimireddy et al. 2020, option II, every node taking part): local steps are plain SGD on the gradient
    /// corrected by c − cᵢ. A node keeps cᵢ; c, the mean of the cᵢ, is −(θₜ − θₜ₋₁)/(K·η) (the last global step over the
    /// steps and step size), so nodes derive it from the two global heads they saw and the wire carries nothing more.
    /// Needs <see cref="LocalSteps"/> &gt; 0.
    /// </summary>
    public bool Scaffold { get; init; }

    /// <summary>
    /// The round is a statistics round (issue 15): nodes send their discriminant statistics (counts, sums, second moment;
    /// <see cref="DeltaCodec.Statistics"/>) instead of a gradient delta, and the next global head is the discriminant of
    /// their exact sum. The training settings then apply to the gradient rounds that follow.
    /// </summary>
    public bool Statistics { get; init; }

    /// <summary>
    /// The fleet's validation gate (refinement rounds): nodes score the round's head and the fleet head on their held-back
    /// validation samples (<see cref="ValidationScore"/>, sent with the update), and the aggregator makes the round's head
    /// the fleet head only when its pooled validation accuracy is higher.
    /// </summary>
    public bool Gate { get; init; }

    /// <summary>Local mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Local Adam step size.</summary>
    public float LearningRate { get; init; } = 5e-3f;

    /// <summary>L2 on weights.</summary>
    public float L2 { get; init; } = 1e-3f;

    /// <summary>FedProx μ: proximal pull towards the global head during local training (0: plain FedAvg).</summary>
    public float Proximal { get; init; }

    /// <summary>Delta encoding: <c>none</c>, <c>int8</c> or <c>topk:F</c>.</summary>
    public string Compression { get; init; } = "none";

    /// <summary>Nodes clip their delta to this L2 norm before sending (client-level DP needs it); 0 disables it.</summary>
    public float ClipNorm { get; init; }

    /// <summary>The local training options these settings mean, starting from a given seed.</summary>
    public TrainingOptions ToTrainingOptions(int seed) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        L2 = L2,
        Steps = LocalSteps,
        Optimizer = Scaffold ? OptimizerKind.Sgd : OptimizerKind.Adam,
        Momentum = 0,
        Proximal = Dynamic > 0 ? Dynamic : Proximal,
        Seed = seed,

        // The global head's standardisation is shared by the fleet; refitting it locally would change the parameterisation per node.
        RefitScaler = false,
        CosineDecay = false,
    };
}
