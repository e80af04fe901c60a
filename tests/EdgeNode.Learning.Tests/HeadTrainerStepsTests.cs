using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests;

public sealed class HeadTrainerStepsTests
{
    [Fact]
    public void Train_StepsAsManyAsEpochsMake_GivesIdenticalParameters()
    {
        var (train, _) = Blobs.Make(3, 12, 20, 1, 1f);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 5 };
        var byEpochs = new HeadModel(12);
        var bySteps = new HeadModel(12);

        HeadTrainer.Train(byEpochs, train, options);

        // 60 samples in batches of 16: 4 steps a pass, 12 in 3 passes.
        HeadTrainer.Train(bySteps, train, options with { Epochs = 1, Steps = 12 });

        Assert.Equal(Parameters(byEpochs), Parameters(bySteps));
    }

    [Fact]
    public void Train_Steps_IgnoreEpochs()
    {
        var (train, _) = Blobs.Make(3, 12, 20, 1, 1f);
        var few = new HeadModel(12);
        var many = new HeadModel(12);

        HeadTrainer.Train(few, train, new TrainingOptions { Epochs = 1, Steps = 7 });
        HeadTrainer.Train(many, train, new TrainingOptions { Epochs = 50, Steps = 7 });

        Assert.Equal(Parameters(few), Parameters(many));
    }

    [Fact]
    public void Train_GradientOffsetOfWrongLength_ThrowsAndChangesNothing()
    {
        var (train, _) = Blobs.Make(2, 6, 10, 1, 1f);
        var head = new HeadModel(6);
        HeadTrainer.Train(head, train, new TrainingOptions { Epochs = 2 });
        var before = Parameters(head);

        Assert.Throws<ArgumentException>(() => HeadTrainer.Train(head, train, new TrainingOptions { Epochs = 2, GradientOffset = new float[3], RefitScaler = false }));

        Assert.Equal(before, Parameters(head));
    }

    [Fact]
    public void Validate_NegativeSteps_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Steps = -1 }.Validate());

    private static float[] Parameters(HeadModel head)
    {
        var p = new float[head.ParameterCount];
        head.GetParameters(p);
        return p;
    }
}
