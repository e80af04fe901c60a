namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// <see cref="ClassIncrementalRun"/> for the statistics-based heads: the classes arrive in groups; the statistics
/// absorb each group as it comes (nothing is replayed), and the refined head trains on each group plus the reservoir.
/// </summary>
public static class StatisticsIncrementalRun
{
    /// <summary>Runs the comparison; classes are split into the same contiguous groups as <see cref="ClassIncrementalRun"/>.</summary>
    public static StatisticsIncrementalReport Run(SampleSet train, SampleSet test, int tasks, int replayPerClass, TrainingOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        var groups = ClassIncrementalRun.TaskGroups(train, tasks);

        var statistics = new DiscriminantStatistics(train.Dimension);
        var buffer = new ReplayBuffer(train.Dimension, replayPerClass, options.Seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var afterEach = new List<double>();
        HeadModel? refined = null;
        for (var t = 0; t < tasks; t++)
        {
            var taskClasses = groups[t];
            seen.UnionWith(taskClasses);
            var taskData = train.Where(taskClasses.Contains);
            statistics.AddRange(taskData);
            var replayed = buffer.WithReplay(taskData);
            refined = HeadFit.Train(HeadKind.DiscriminantSoftmax, statistics, replayed, options with { Seed = options.Seed + t }, cancellationToken: cancellationToken);
            buffer.OfferAll(taskData);
            var accuracy = HeadEvaluator.Accuracy(LinearDiscriminant.Fit(statistics), test.Where(seen.Contains));
            afterEach.Add(accuracy);
            progress?.Report($"task {t + 1}/{tasks}: {taskClasses.Count} new classes, discriminant accuracy on seen classes {accuracy:P1}");
        }

        var joint = new DiscriminantStatistics(train.Dimension);
        joint.AddRange(train);
        return new StatisticsIncrementalReport(
            HeadEvaluator.Accuracy(LinearDiscriminant.Fit(statistics), test),
            HeadEvaluator.Accuracy(LinearDiscriminant.Fit(joint), test),
            HeadEvaluator.Accuracy(refined!, test),
            HeadEvaluator.Accuracy(HeadFit.Train(HeadKind.DiscriminantSoftmax, joint, train, options, cancellationToken: cancellationToken), test),
            afterEach);
    }
}
