using EdgeNode.Common;
using EdgeNode.Core;

namespace EdgeNode.Learning;

/// <summary>
/// One training run as the node does it: a fixed, id-based validation split; the candidate starts from a copy of
/// the active head (class-incremental) and is accepted only if its validation accuracy is not more than
/// <c>margin</c> below the active head's on the same split.
/// </summary>
public static class GatedTraining
{
    // Below this many validation samples a fitted temperature follows the few samples rather than the head.
    private const int MinCalibrationSamples = 20;

    /// <summary>Trains a softmax head and gates it. The active head is never modified.</summary>
    /// <exception cref="ArgumentException">Fewer than two classes to train on.</exception>
    public static GateResult Run(HeadModel? current, IReadOnlyList<LabeledSample> samples, int dimension, TrainingOptions options, double validationFraction, double margin, int hiddenSize = 0, CancellationToken cancellationToken = default) =>
        Run(HeadKind.Softmax, current, samples, dimension, options, validationFraction, margin, hiddenSize, cancellationToken);

    /// <summary>
    /// Trains a head of <paramref name="kind"/> on the training split (a discriminant from the split's exact statistics;
    /// softmax from a copy of the active head) and gates it against the active head, whatever kind that is.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two classes to train on.</exception>
    public static GateResult Run(HeadKind kind, HeadModel? current, IReadOnlyList<LabeledSample> samples, int dimension, TrainingOptions options, double validationFraction, double margin, int hiddenSize = 0, CancellationToken cancellationToken = default) =>
        Run(kind, current, samples, dimension, options, validationFraction, margin, hiddenSize, null, cancellationToken);

    /// <summary>
    /// As above, with the discriminant fitted from <paramref name="statistics"/> (the node's ledger of every training-split
    /// label, beyond the reservoir) instead of the stored training split's; null: the stored split's.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two classes to train on.</exception>
    public static GateResult Run(HeadKind kind, HeadModel? current, IReadOnlyList<LabeledSample> samples, int dimension, TrainingOptions options, double validationFraction, double margin, int hiddenSize, Discriminant.DiscriminantStatistics? statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        var train = new SampleSet(dimension, samples.Count);
        var validation = new SampleSet(dimension);
        foreach (var sample in samples)
        {
            if (sample.Embedding is not { } embedding || embedding.Length != dimension || !EmbeddingGuard.IsFinite(embedding))
            {
                continue;
            }

            (IsValidation(sample.Id, validationFraction) ? validation : train).Add(embedding, sample.Label);
        }

        if (train.Classes.Count < 2)
        {
            throw new ArgumentException($"Training needs labelled samples of at least two classes; the training split has {train.Classes.Count}.", nameof(samples));
        }

        if (statistics is null || statistics.Dimension != dimension || statistics.Count == 0)
        {
            statistics = new Discriminant.DiscriminantStatistics(dimension);
            if (kind != HeadKind.Softmax)
            {
                statistics.AddRange(train);
            }
        }

        var candidate = Discriminant.HeadFit.Train(kind, statistics, train, options, current, hiddenSize, cancellationToken);
        if (kind != HeadKind.Softmax && validation.Count >= MinCalibrationSamples)
        {
            // The discriminant's posterior is over-confident; the temperature leaves every decision, so the gate, unchanged.
            Discriminant.TemperatureScaling.Calibrate(candidate, validation);
        }

        var candidateAccuracy = HeadEvaluator.Accuracy(candidate, validation);
        var currentAccuracy = current is null ? 0 : HeadEvaluator.Accuracy(current, validation);
        if (validation.Count == 0)
        {
            return new GateResult(current is null, candidate, 0, 0, train.Count, 0, current is null ? "first head; no validation samples yet" : "no validation samples to compare against the active head");
        }

        var accepted = candidateAccuracy >= currentAccuracy - margin;
        var reason = FormattableString.Invariant($"validation accuracy {candidateAccuracy:F3} vs active {currentAccuracy:F3} (margin {margin:F3}) on {validation.Count} samples");
        return new GateResult(accepted, candidate, candidateAccuracy, currentAccuracy, train.Count, validation.Count, reason);
    }

    /// <summary>Stable split: a sample stays on the same side across runs (Fibonacci hashing of its id).</summary>
    public static bool IsValidation(long id, double fraction) =>
        ((ulong)id * 11400714819323198485UL >> 40) % 1000 < (ulong)(fraction * 1000);
}
