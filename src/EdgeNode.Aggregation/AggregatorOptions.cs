using System.ComponentModel.DataAnnotations;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation;

/// <summary>Options bound from <c>EdgeNode:Aggregator</c>.</summary>
public sealed class AggregatorOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Aggregator";

    /// <summary>Fleet id (one topic level).</summary>
    [Required]
    [RegularExpression("^[^#+/$]+$", ErrorMessage = "The fleet must be one topic level without '#', '+', '/' or '$'.")]
    public string Fleet { get; set; } = "default";

    /// <summary>This instance's id (MQTT client id; the site id when forwarding to a parent).</summary>
    [Required]
    [RegularExpression("^[^#+/$]+$", ErrorMessage = "The instance id must be one topic level without '#', '+', '/' or '$'.")]
    public string InstanceId { get; set; } = "aggregator";

    /// <summary>Shared-subscription group of the aggregators of this fleet.</summary>
    [Required]
    [RegularExpression("^[^#+/$]+$", ErrorMessage = "The share group must be one topic level.")]
    public string ShareGroup { get; set; } = "aggregators";

    /// <summary>Folder of the persisted state (global head, the open round's updates).</summary>
    [Required]
    public string StatePath { get; set; } = "data/aggregator";

    /// <summary>Folder of the registered node public keys, one <c>{node}.pem</c> each.</summary>
    [Required]
    public string KeysPath { get; set; } = "data/aggregator/keys";

    /// <summary>The initial global head file (used when no state exists yet).</summary>
    [Required]
    public string InitialHeadPath { get; set; } = "data/aggregator/initial.head";

    /// <summary>A round closes as soon as this many updates are accepted.</summary>
    [Range(1, 1_000_000)]
    public int MinUpdates { get; set; } = 10;

    /// <summary>Round length: at the deadline a round closes with whatever it has (at least one update).</summary>
    [Range(0.1, 86_400)]
    public double RoundSeconds { get; set; } = 60;

    /// <summary>Combination rule.</summary>
    public AggregationRule Rule { get; set; } = AggregationRule.FedAvg;

    /// <summary>Trimmed-mean fraction per end.</summary>
    [Range(0.0, 0.49)]
    public double TrimFraction { get; set; } = 0.1;

    /// <summary>Late updates: weighted or dropped.</summary>
    public StalenessPolicy Staleness { get; set; } = StalenessPolicy.Weight;

    /// <summary>Oldest base version accepted, in versions behind.</summary>
    [Range(0, 1000)]
    public int MaxStaleness { get; set; } = 3;

    /// <summary>Norm-outlier factor (0: off).</summary>
    [Range(0.0, 1e6)]
    public double NormOutlierFactor { get; set; } = 3;

    /// <summary>FedAvg with 3 or more updates: a node's sample count weighs at most this multiple of the round's median (0: off).</summary>
    [Range(0.0, 1e6)]
    public double SampleCountCap { get; set; } = 1;

    /// <summary>Per-update norm bound (0: off).</summary>
    [Range(0.0, 1e9)]
    public double MaxNorm { get; set; }

    /// <summary>Client-level DP noise multiplier z (0: off).</summary>
    [Range(0.0, 1000)]
    public double DpNoiseMultiplier { get; set; }

    /// <summary>Largest accepted update message, bytes.</summary>
    [Range(1024, 256 << 20)]
    public int MaxUpdateBytes { get; set; } = 16 << 20;

    /// <summary>Local epochs nodes run per round.</summary>
    [Range(1, 10_000)]
    public int Epochs { get; set; } = 5;

    /// <summary>Local mini-batch steps per round, the same at any data size (0: <see cref="Epochs"/> passes instead).</summary>
    [Range(0, 1_000_000)]
    public int LocalSteps { get; set; }

    /// <summary>FedDyn α: dynamic regularisation of local training and the aggregator's drift correction (0: off).</summary>
    [Range(0.0, 1000)]
    public float Dynamic { get; set; }

    /// <summary>SCAFFOLD drift correction of local SGD steps (needs <see cref="LocalSteps"/> &gt; 0; the nodes derive the control variates).</summary>
    public bool Scaffold { get; set; }

    /// <summary>Local batch size.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Local learning rate.</summary>
    [Range(1e-7, 10)]
    public float LearningRate { get; set; } = 5e-3f;

    /// <summary>Local L2.</summary>
    [Range(0.0, 100)]
    public float L2 { get; set; } = 1e-3f;

    /// <summary>FedProx μ (0: FedAvg).</summary>
    [Range(0.0, 1000)]
    public float Proximal { get; set; }

    /// <summary>Delta encoding nodes use: none, int8, topk:F.</summary>
    [Required]
    [RegularExpression("^(none|int8|topk:(0?\\.[0-9]+|1(\\.0*)?))$", ErrorMessage = "Compression must be none, int8 or topk:F with 0 < F <= 1.")]
    public string Compression { get; set; } = "none";

    /// <summary>Clip norm nodes apply (with DP: the DP clip norm C); 0: off.</summary>
    [Range(0.0, 1e9)]
    public float ClipNorm { get; set; }

    /// <summary>
    /// The first round (global v0) is a statistics round: nodes send their discriminant statistics instead of a delta,
    /// the aggregator sums them exactly and publishes their discriminant as v1; gradient rounds refine it from there.
    /// </summary>
    public bool StatisticsRound { get; set; }

    /// <summary>
    /// The fleet's validation gate over refinement rounds (<see cref="LocalSteps"/> &gt; 0): nodes score each round's head and
    /// the fleet head on their validation samples, and a round's head becomes the fleet head only when its pooled validation
    /// accuracy is higher (each node weighted by at most <see cref="MaxNodeSamples"/> samples); otherwise the fleet keeps
    /// the head it has (from the start: the statistics round's). False: the fleet head follows every round, as before.
    /// </summary>
    public bool ValidationGate { get; set; } = true;

    /// <summary>Statistics round: a sender counts as at most this many samples; one claiming more is scaled down to it (forged counts are bounded).</summary>
    [Range(1.0, 1e12)]
    public double MaxNodeSamples { get; set; } = 10_000;

    /// <summary>Hierarchy: forward this site's partial aggregate to the parent fleet's aggregator and follow its global head.</summary>
    public string? ParentFleet { get; set; }

    /// <summary>The key global heads are signed with (PKCS#8 PEM, created 0600 with its <c>.pem</c> beside it); default <c>{StatePath}/global.key</c>.</summary>
    public string? HeadKeyPath { get; set; }

    /// <summary>Hierarchy: this site's private key (PKCS#8 PEM) for signing forwarded aggregates.</summary>
    public string? SigningKeyPath { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The host's statistics round sums without noise: with DP on, it would publish the fleet's exact statistics.
        if (StatisticsRound && DpNoiseMultiplier > 0)
        {
            yield return new ValidationResult(
                "StatisticsRound (EdgeNode__Aggregator__StatisticsRound) is not noised by the aggregator host; turn it off or set DpNoiseMultiplier (EdgeNode__Aggregator__DpNoiseMultiplier) to 0.",
                [nameof(StatisticsRound), nameof(DpNoiseMultiplier)]);
        }
    }

    /// <summary>The aggregation settings these options mean.</summary>
    public AggregationOptions ToAggregation() => new()
    {
        Rule = Rule,
        TrimFraction = TrimFraction,
        Staleness = Staleness,
        MaxStaleness = MaxStaleness,
        NormOutlierFactor = NormOutlierFactor,
        SampleCountCap = SampleCountCap,
        MaxNorm = MaxNorm,
        DpNoiseMultiplier = DpNoiseMultiplier,
        DpClipNorm = ClipNorm > 0 ? ClipNorm : 1,
    };

    /// <summary>The training settings published with the global head.</summary>
    public FederatedTrainingConfig ToTrainingConfig() => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        L2 = L2,
        Proximal = Proximal,
        LocalSteps = LocalSteps,
        Dynamic = Dynamic,
        Scaffold = Scaffold && LocalSteps > 0,
        Gate = ValidationGate && LocalSteps > 0,
        Compression = Compression,
        ClipNorm = ClipNorm,
    };
}
