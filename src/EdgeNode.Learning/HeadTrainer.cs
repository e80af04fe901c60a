using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>Mini-batch training of a <see cref="HeadModel"/> on labelled embeddings.</summary>
public static class HeadTrainer
{
    /// <summary>
    /// Trains <paramref name="head"/> in place on <paramref name="data"/>, starting from its current weights.
    /// Classes of <paramref name="data"/> the head lacks are added first (class-incremental).
    /// </summary>
    /// <exception cref="ArgumentException">Dimension mismatch or an empty set.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the head may be half-trained, so train a clone when that matters.</exception>
    public static TrainingReport Train(HeadModel head, SampleSet data, TrainingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The standardised copy of the set is rented, not allocated: a node that trains job after job would otherwise put
        // a large-object allocation, and so a blocking gen-2 collection that stalls the inference thread, in every job.
        var x = ArrayPool<float>.Shared.Rent(data.Count * data.Dimension);
        try
        {
            return Train(head, data, options, x, Prepare(head, data, options.RefitScaler, x, options.BetweenBatches), cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(x);
        }
    }

    private static TrainingReport Train(HeadModel head, SampleSet data, TrainingOptions options, float[] x, int[] targets, CancellationToken cancellationToken)
    {
        var weights = options.BalanceClasses ? ClassWeights(targets, head.Classes.Count) : [];
        var gradient = new HeadGradient(head);
        IParameterOptimizer optimizer = options.Optimizer == OptimizerKind.Adam
            ? new AdamOptimizer(head.ParameterCount)
            : new SgdOptimizer(head.ParameterCount, options.Momentum);

        var anchor = options.Proximal > 0 ? (float[])head.Parameters.Clone() : null;
        var offset = anchor is null ? null : new float[anchor.Length];
        var n = data.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (options.GradientOffset is { } offsetVector && offsetVector.Length != head.ParameterCount)
        {
            throw new ArgumentException($"The gradient offset has {offsetVector.Length} values; the head has {head.ParameterCount} parameters.", nameof(options));
        }

        var random = new Random(options.Seed);
        var batchesPerEpoch = (n + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = options.Steps > 0 ? options.Steps : (double)batchesPerEpoch * options.Epochs;
        var step = 0;
        var started = Stopwatch.GetTimestamp();
        double epochLoss = 0;
        var epochs = 0;
        while (step < totalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            epochLoss = 0;
            var seen = 0;
            for (var start = 0; start < n && step < totalSteps; start += options.BatchSize)
            {
                options.BetweenBatches?.Invoke();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, n - start));
                var loss = gradient.Compute(x, targets, batch, weights, options.L2);
                if (anchor is not null)
                {
                    TensorPrimitives.Subtract(head.Parameters, anchor, offset);
                    TensorPrimitives.MultiplyAdd(offset, options.Proximal, gradient.Gradient, gradient.Gradient);
                }

                if (options.GradientOffset is { } linear)
                {
                    TensorPrimitives.Subtract(gradient.Gradient, linear, gradient.Gradient);
                }

                var rate = options.CosineDecay
                    ? (float)(options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)))
                    : options.LearningRate;
                optimizer.Step(head.Parameters, gradient.Gradient, rate);
                step++;
                epochLoss += loss * batch.Length;
                seen += batch.Length;
            }

            epochLoss /= seen;
            epochs++;
        }

        return new TrainingReport(epochs, n, epochLoss, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Writes the standardised rows of <paramref name="data"/> to <paramref name="x"/> (at least Count × Dimension long)
    /// and returns their head class indices; <paramref name="betweenBatches"/> runs every 64 rows, as between mini-batches.
    /// </summary>
    internal static int[] Prepare(HeadModel head, SampleSet data, bool refitScaler, float[] x, Action? betweenBatches = null)
    {
        if (data.Dimension != head.InputSize)
        {
            throw new ArgumentException($"The samples are {data.Dimension}-d; the head takes {head.InputSize}.", nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("There are no samples to train on.", nameof(data));
        }

        var map = new int[data.Classes.Count];
        for (var c = 0; c < map.Length; c++)
        {
            map[c] = head.AddClass(data.Classes[c]);
        }

        if (refitScaler)
        {
            head.Restandardize(FeatureScaler.Fit(data));
        }

        var d = data.Dimension;
        var targets = new int[data.Count];
        var source = data.Targets;
        for (var i = 0; i < data.Count; i++)
        {
            if (i % 64 == 0)
            {
                betweenBatches?.Invoke();
            }

            head.Scaler.Transform(data.Row(i), x.AsSpan(i * d, d));
            targets[i] = map[source[i]];
        }

        return targets;
    }

    private static float[] ClassWeights(ReadOnlySpan<int> targets, int classes)
    {
        var counts = new int[classes];
        foreach (var t in targets)
        {
            counts[t]++;
        }

        var present = counts.Count(c => c > 0);
        var weights = new float[classes];
        for (var c = 0; c < classes; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : targets.Length / (float)(present * counts[c]);
        }

        return weights;
    }
}
