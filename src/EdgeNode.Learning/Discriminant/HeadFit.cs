namespace EdgeNode.Learning.Discriminant;

/// <summary>One training step of any <see cref="HeadKind"/>, so the node, <c>learn</c> and <c>simulate-fleet</c> share one code path.</summary>
public static class HeadFit
{
    /// <summary>
    /// A new head of <paramref name="kind"/>: the discriminant of <paramref name="statistics"/>; softmax trained from
    /// <paramref name="start"/> (or a new head) on <paramref name="replay"/>; or the discriminant refined on <paramref name="replay"/>.
    /// Neither input is modified.
    /// </summary>
    /// <exception cref="ArgumentException">No samples for the kind.</exception>
    public static HeadModel Train(HeadKind kind, DiscriminantStatistics statistics, SampleSet replay, TrainingOptions options, HeadModel? start = null, int hiddenSize = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(options);
        switch (kind)
        {
            case HeadKind.Discriminant:
                return LinearDiscriminant.Fit(statistics);
            case HeadKind.Softmax:
                var head = start?.Clone() ?? new HeadModel(statistics.Dimension, hiddenSize, options.Seed);
                HeadTrainer.Train(head, replay, options, cancellationToken);
                return head;
            default:
                // Adam steps in standardised units; the statistics' standardisation covers every sample seen, while refitting
                // it on a few replayed ones would blow up features that happen not to vary there.
                var refined = LinearDiscriminant.Fit(statistics);
                refined.Restandardize(LinearDiscriminant.Standardization(statistics));
                HeadTrainer.Train(refined, replay, options with { RefitScaler = false }, cancellationToken);
                return refined;
        }
    }

    /// <summary>
    /// A head of <paramref name="kind"/> on all of <paramref name="train"/>, its logits divided by the temperature fitted on
    /// every fifth sample held back from a first fit on the others (the node fits it on its validation split instead).
    /// Discriminant kinds only; <see cref="HeadKind.Softmax"/> is returned as trained, its loss calibrates it.
    /// </summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static (HeadModel Head, double Temperature) TrainCalibrated(HeadKind kind, SampleSet train, TrainingOptions options, int hiddenSize = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var all = new DiscriminantStatistics(train.Dimension);
        all.AddRange(train);
        var head = Train(kind, all, train, options, null, hiddenSize, cancellationToken);
        if (kind == HeadKind.Softmax)
        {
            return (head, 1);
        }

        var fit = new SampleSet(train.Dimension, train.Count);
        var heldBack = new SampleSet(train.Dimension, (train.Count / 5) + 1);
        for (var i = 0; i < train.Count; i++)
        {
            (i % 5 == 0 ? heldBack : fit).Add(train.Row(i), train.LabelOf(i));
        }

        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(fit);
        var temperature = TemperatureScaling.Fit(Train(kind, statistics, fit, options, null, hiddenSize, cancellationToken), heldBack);
        head.ScaleLogits((float)(1 / temperature));
        return (head, temperature);
    }
}
