using System.Diagnostics;
using EdgeNode.Learning;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Cli;

/// <summary><c>edgenode learn</c>'s side-by-side run of every <see cref="HeadKind"/> with the node's defaults.</summary>
internal static class LearnHeadKinds
{
    /// <summary>Labels per class of the few-shot runs.</summary>
    public static readonly int[] Shots = [1, 5, 10];

    /// <summary>Trains and evaluates each kind; <paramref name="softmax"/> and <paramref name="softmaxIncremental"/> are the softmax head's run already made.</summary>
    public static IReadOnlyList<HeadKindResult> Run(SampleSet train, SampleSet test, TrainingOptions options, LearnArguments a, HeadModel softmax, double softmaxSeconds, IncrementalReport? softmaxIncremental, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var statistics = new DiscriminantStatistics(train.Dimension);
        var started = Stopwatch.GetTimestamp();
        statistics.AddRange(train);
        var discriminant = LinearDiscriminant.Fit(statistics, out var fit);
        var discriminantSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        progress.Report(FormattableString.Invariant($"discriminant: OAS shrinkage {fit.Shrinkage:F4} over {fit.DegreesOfFreedom} degrees of freedom"));
        started = Stopwatch.GetTimestamp();
        var refined = HeadFit.Train(HeadKind.DiscriminantSoftmax, statistics, train, options, cancellationToken: cancellationToken);
        var refinedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var incremental = a.Tasks > 0 ? StatisticsIncrementalRun.Run(train, test, a.Tasks, a.Replay, options, progress, cancellationToken) : null;
        var few = Shots.Select(k => (k, FewShot(train, k))).ToList();
        double Score(HeadKind kind, SampleSet subset)
        {
            var s = new DiscriminantStatistics(subset.Dimension);
            s.AddRange(subset);
            return HeadEvaluator.Accuracy(HeadFit.Train(kind, s, subset, options, hiddenSize: a.Hidden, cancellationToken: cancellationToken), test);
        }

        (HeadModel Head, double Temperature) Calibrated(HeadKind kind) => HeadFit.TrainCalibrated(kind, train, options, a.Hidden, cancellationToken);
        var calibrated = Calibrated(HeadKind.Discriminant);
        var calibratedRefined = Calibrated(HeadKind.DiscriminantSoftmax);
        return
        [
            new(HeadKind.Discriminant, HeadEvaluator.Accuracy(discriminant, test), CalibrationError.Expected(calibrated.Head, test), incremental?.Discriminant, incremental?.DiscriminantJoint, [.. few.Select(f => (f.k, Score(HeadKind.Discriminant, f.Item2)))], discriminantSeconds, CalibrationError.Expected(discriminant, test), calibrated.Temperature),
            new(HeadKind.Softmax, HeadEvaluator.Accuracy(softmax, test), CalibrationError.Expected(softmax, test), softmaxIncremental?.AccuracyIncremental, softmaxIncremental?.AccuracyJoint, [.. few.Select(f => (f.k, Score(HeadKind.Softmax, f.Item2)))], softmaxSeconds, CalibrationError.Expected(softmax, test), 1),
            new(HeadKind.DiscriminantSoftmax, HeadEvaluator.Accuracy(refined, test), CalibrationError.Expected(calibratedRefined.Head, test), incremental?.Refined, incremental?.RefinedJoint, [.. few.Select(f => (f.k, Score(HeadKind.DiscriminantSoftmax, f.Item2)))], refinedSeconds, CalibrationError.Expected(refined, test), calibratedRefined.Temperature),
        ];
    }

    /// <summary>The first <paramref name="shots"/> samples of each class, in the set's (file) order.</summary>
    public static SampleSet FewShot(SampleSet train, int shots)
    {
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        var subset = new SampleSet(train.Dimension, shots * train.Classes.Count);
        for (var i = 0; i < train.Count; i++)
        {
            var label = train.LabelOf(i);
            var n = taken.GetValueOrDefault(label);
            if (n < shots)
            {
                subset.Add(train.Row(i), label);
                taken[label] = n + 1;
            }
        }

        return subset;
    }
}
