using EdgeNode.Testing;
using EdgeNode.Core;
using EdgeNode.Learning;

namespace EdgeNode.Learning.Tests;

public sealed class GatedTrainingTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 20, LearningRate = 5e-3f };

    [Fact]
    public void Run_GoodLabels_AcceptsAndAddsNewClass()
    {
        var (train, _) = Blobs.Make(3, 16, 40, 1, 0.5f);
        var first = GatedTraining.Run(null, Samples(train, l => l != Blobs.Label(2)), 16, Options, 0.2, 0.02);

        var second = GatedTraining.Run(first.Candidate, Samples(train, _ => true), 16, Options, 0.2, 0.02);

        Assert.True(first.Accepted, first.Reason);
        Assert.Equal(2, first.Candidate.Classes.Count);
        Assert.True(second.Accepted, second.Reason);
        Assert.Equal(3, second.Candidate.Classes.Count);
        Assert.True(second.ValidationCount > 10 && second.TrainCount > 60);
    }

    [Fact]
    public void Run_PoisonedLabels_IsRejectedAndActiveHeadUntouched()
    {
        var (train, test) = Blobs.Make(3, 16, 40, 10, 0.5f);
        var active = GatedTraining.Run(null, Samples(train, _ => true), 16, Options, 0.2, 0.02).Candidate;
        var before = HeadTrainerTests.Probabilities(active, test);

        // Swap two classes' labels on the training side only: the candidate gets worse on the validation split.
        var poisoned = Samples(train, _ => true)
            .Select(s => GatedTraining.IsValidation(s.Id, 0.2) ? s : s with { Label = s.Label == Blobs.Label(0) ? Blobs.Label(1) : s.Label == Blobs.Label(1) ? Blobs.Label(0) : s.Label })
            .ToList();
        var result = GatedTraining.Run(active, poisoned, 16, Options, 0.2, 0.02);

        Assert.False(result.Accepted, result.Reason);
        Assert.True(result.CandidateAccuracy < result.CurrentAccuracy);
        Assert.Equal(before, HeadTrainerTests.Probabilities(active, test));
    }

    [Fact]
    public void Run_OneClass_Throws()
    {
        var (train, _) = Blobs.Make(2, 4, 10, 1, 0.5f);

        Assert.Throws<ArgumentException>(() => GatedTraining.Run(null, Samples(train, l => l == Blobs.Label(0)), 4, Options, 0.2, 0.02));
    }

    private static List<LabeledSample> Samples(SampleSet set, Func<string, bool> keep)
    {
        var list = new List<LabeledSample>();
        for (var i = 0; i < set.Count; i++)
        {
            if (keep(set.LabelOf(i)))
            {
                list.Add(new LabeledSample(i + 1, set.LabelOf(i), "test", "m", DateTimeOffset.UnixEpoch, null, set.Row(i).ToArray(), null));
            }
        }

        return list;
    }
}
