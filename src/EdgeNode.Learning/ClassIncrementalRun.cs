namespace EdgeNode.Learning;

/// <summary>
/// Learns the classes in <c>tasks</c> groups one after another, as a node meets them, with and without a
/// replay buffer, and compares with joint training on everything.
/// </summary>
public static class ClassIncrementalRun
{
    /// <summary>Runs the comparison; classes are split into contiguous groups in the order of <paramref name="train"/>'s classes.</summary>
    public static IncrementalReport Run(
        SampleSet train,
        SampleSet test,
        int tasks,
        int replayPerClass,
        TrainingOptions options,
        int hiddenSize = 0,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        var groups = TaskGroups(train, tasks);

        var withReplay = new HeadModel(train.Dimension, hiddenSize, options.Seed);
        var withoutReplay = new HeadModel(train.Dimension, hiddenSize, options.Seed);
        var buffer = new ReplayBuffer(train.Dimension, replayPerClass, options.Seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var afterEach = new List<double>();
        for (var t = 0; t < tasks; t++)
        {
            var taskClasses = groups[t];
            seen.UnionWith(taskClasses);
            var taskData = train.Where(taskClasses.Contains);
            var replayed = buffer.WithReplay(taskData);
            HeadTrainer.Train(withReplay, replayed, options with { Seed = options.Seed + t }, cancellationToken);
            HeadTrainer.Train(withoutReplay, taskData, options with { Seed = options.Seed + t }, cancellationToken);
            buffer.OfferAll(taskData);
            var accuracy = HeadEvaluator.Accuracy(withReplay, test.Where(seen.Contains));
            afterEach.Add(accuracy);
            progress?.Report($"task {t + 1}/{tasks}: {taskClasses.Count} new classes, {replayed.Count} samples with replay, accuracy on seen classes {accuracy:P1}");
        }

        var joint = new HeadModel(train.Dimension, hiddenSize, options.Seed);
        HeadTrainer.Train(joint, train, options, cancellationToken);
        return new IncrementalReport(
            tasks,
            replayPerClass,
            HeadEvaluator.Accuracy(withReplay, test),
            HeadEvaluator.Accuracy(withoutReplay, test),
            HeadEvaluator.Accuracy(joint, test),
            afterEach);
    }

    /// <summary>
    /// The classes of <paramref name="train"/> in <paramref name="tasks"/> contiguous groups, in the order of its classes:
    /// the tasks a node meets one after another (every class-incremental run splits them this way).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tasks"/> is not between 1 and the number of classes.</exception>
    public static IReadOnlyList<HashSet<string>> TaskGroups(SampleSet train, int tasks)
    {
        ArgumentNullException.ThrowIfNull(train);
        var classes = train.Classes;
        if (tasks < 1 || tasks > classes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(tasks), tasks, $"Tasks must be between 1 and the number of classes ({classes.Count}).");
        }

        var groups = new List<HashSet<string>>(tasks);
        for (var t = 0; t < tasks; t++)
        {
            var first = t * classes.Count / tasks;
            groups.Add(classes.Skip(first).Take(((t + 1) * classes.Count / tasks) - first).ToHashSet(StringComparer.Ordinal));
        }

        return groups;
    }
}
