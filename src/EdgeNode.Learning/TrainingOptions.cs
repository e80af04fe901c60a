namespace EdgeNode.Learning;

/// <summary>Hyper-parameters of one training run.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>
    /// Mini-batch steps of the run, whatever the data size (reshuffled at each pass); 0 runs <see cref="Epochs"/> passes.
    /// Federated rounds use it so that a node with 5× the samples does not drift 5× as far from the global head.
    /// </summary>
    public int Steps { get; init; }

    /// <summary>
    /// A constant vector subtracted from every gradient (FedDyn's linear term −⟨gᵢ, θ⟩, Acar et al. 2021), as long as the
    /// head's parameters; null: none.
    /// </summary>
    public float[]? GradientOffset { get; init; }

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Step size.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decays the step size to 0 along a half cosine over the run, so the last epochs settle on the optimum instead of circling it.</summary>
    public bool CosineDecay { get; init; } = true;

    /// <summary>L2 penalty λ on weights (not biases): the objective adds λ/2·‖W‖².</summary>
    public float L2 { get; init; } = 1e-2f;

    /// <summary>
    /// Proximal penalty μ/2·‖θ − θ₀‖² towards the parameters the run started from (FedProx-style): keeps weights
    /// learned from data no longer present (old classes, other nodes) from drifting. 0 disables it.
    /// </summary>
    public float Proximal { get; init; }

    /// <summary>Adam or SGD with momentum.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Seeds the shuffling: the same data, head and seed give the same weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Weights each class by n / (classes · n_class), so a few new samples are not drowned by replayed ones.</summary>
    public bool BalanceClasses { get; init; } = true;

    /// <summary>Refits the standardisation on this run's data (the head is re-parameterised to compute the same function first).</summary>
    public bool RefitScaler { get; init; } = true;

    /// <summary>
    /// Called before every mini-batch, and every 64 rows while the set is standardised, on the training thread; it may block (the node waits there while an inference
    /// runs, see <see cref="InferenceActivity"/>). Null: nothing.
    /// </summary>
    public Action? BetweenBatches { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(Steps);
        if (!(LearningRate > 0 && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be a positive number.");
        }

        if (!(L2 >= 0 && float.IsFinite(L2)))
        {
            throw new ArgumentOutOfRangeException(nameof(L2), L2, "L2 must be a non-negative number.");
        }

        if (!(Proximal >= 0 && float.IsFinite(Proximal)))
        {
            throw new ArgumentOutOfRangeException(nameof(Proximal), Proximal, "The proximal penalty must be a non-negative number.");
        }

        if (!(Momentum is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        }
    }
}
