using EdgeNode.Testing;
using EdgeNode.Learning;

namespace EdgeNode.Learning.Tests;

public sealed class HeadTrainerTests
{
    private static readonly TrainingOptions Fast = new() { Epochs = 15, LearningRate = 5e-3f };

    [Fact]
    public void Train_SeparableBlobs_ClassifiesTestSet()
    {
        var (train, test) = Blobs.Make(classes: 5, dimension: 32, trainPerClass: 40, testPerClass: 20, spread: 0.5f);
        var head = new HeadModel(32);

        var report = HeadTrainer.Train(head, train, Fast);

        Assert.Equal(5, head.Classes.Count);
        Assert.True(HeadEvaluator.Accuracy(head, test) > 0.95, $"accuracy {HeadEvaluator.Accuracy(head, test)}");
        Assert.True(report.FinalLoss < 0.5, $"loss {report.FinalLoss}");
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalParameters()
    {
        var (train, _) = Blobs.Make(4, 16, 30, 1, 1f);
        var a = new HeadModel(16, hiddenSize: 8, seed: 3);
        var b = new HeadModel(16, hiddenSize: 8, seed: 3);

        HeadTrainer.Train(a, train, Fast with { Seed = 9 });
        HeadTrainer.Train(b, train, Fast with { Seed = 9 });

        var pa = new float[a.ParameterCount];
        var pb = new float[b.ParameterCount];
        a.GetParameters(pa);
        b.GetParameters(pb);
        Assert.Equal(pa, pb);
    }

    [Fact]
    public void Train_DifferentSeed_GivesDifferentParameters()
    {
        var (train, _) = Blobs.Make(4, 16, 30, 1, 1f);
        var a = new HeadModel(16);
        var b = new HeadModel(16);

        HeadTrainer.Train(a, train, Fast with { Seed = 1 });
        HeadTrainer.Train(b, train, Fast with { Seed = 2 });

        var pa = new float[a.ParameterCount];
        var pb = new float[b.ParameterCount];
        a.GetParameters(pa);
        b.GetParameters(pb);
        Assert.NotEqual(pa, pb);
    }

    [Fact]
    public void Train_Mlp_LearnsXorThatALinearHeadCannot()
    {
        // Two classes on the diagonals of a square: not linearly separable.
        var random = new Random(5);
        var train = new SampleSet(2);
        var test = new SampleSet(2);
        foreach (var set in new[] { train, test })
        {
            for (var i = 0; i < 200; i++)
            {
                var x = random.Next(2);
                var y = random.Next(2);
                set.Add([x + (0.1f * Blobs.Gaussian(random)), y + (0.1f * Blobs.Gaussian(random))], x == y ? "same" : "different");
            }
        }

        var linear = new HeadModel(2);
        var mlp = new HeadModel(2, hiddenSize: 16, seed: 2);
        var options = new TrainingOptions { Epochs = 150, LearningRate = 1e-2f, L2 = 1e-4f };

        HeadTrainer.Train(linear, train, options);
        HeadTrainer.Train(mlp, train, options);

        Assert.True(HeadEvaluator.Accuracy(mlp, test) > 0.95, $"mlp {HeadEvaluator.Accuracy(mlp, test)}");
        Assert.True(HeadEvaluator.Accuracy(linear, test) < 0.8, $"linear {HeadEvaluator.Accuracy(linear, test)}");
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void Train_EitherOptimizer_Converges(OptimizerKind optimizer)
    {
        var (train, test) = Blobs.Make(3, 24, 40, 20, 0.7f);
        var head = new HeadModel(24);

        HeadTrainer.Train(head, train, Fast with { Optimizer = optimizer, LearningRate = optimizer == OptimizerKind.Sgd ? 0.05f : 5e-3f });

        Assert.True(HeadEvaluator.Accuracy(head, test) > 0.95);
    }

    [Fact]
    public void Train_NewClassArrives_AddsOutputWithoutTouchingOldWeights()
    {
        var (train, _) = Blobs.Make(3, 8, 20, 1, 0.5f);
        var head = new HeadModel(8);
        HeadTrainer.Train(head, train.Where(l => l != Blobs.Label(2)), Fast);
        var before = new float[head.ParameterCount];
        head.GetParameters(before);

        var index = head.AddClass(Blobs.Label(2));

        var after = new float[head.ParameterCount];
        head.GetParameters(after);
        Assert.Equal(2, index);
        Assert.Equal(before.Length + 9, after.Length);
        Assert.Equal(before.AsSpan(0, 16).ToArray(), after.AsSpan(0, 16).ToArray());
        Assert.Equal(new float[8], after.AsSpan(16, 8).ToArray());
        Assert.Equal(before.AsSpan(16, 2).ToArray(), after.AsSpan(24, 2).ToArray());
        Assert.Equal(0f, after[26]);
    }

    [Fact]
    public void Restandardize_AnyNewScaler_KeepsPredictions()
    {
        var (train, test) = Blobs.Make(4, 12, 20, 5, 1f);
        foreach (var hidden in new[] { 0, 6 })
        {
            var head = new HeadModel(12, hidden);
            HeadTrainer.Train(head, train, Fast);
            var before = Probabilities(head, test);
            var shifted = new SampleSet(12);
            for (var i = 0; i < test.Count; i++)
            {
                var row = test.Row(i).ToArray();
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = (row[j] * (j + 1)) - 3;
                }

                shifted.Add(row, test.LabelOf(i));
            }

            head.Restandardize(FeatureScaler.Fit(shifted));

            var after = Probabilities(head, test);
            for (var i = 0; i < before.Length; i++)
            {
                Assert.Equal(before[i], after[i], 3);
            }
        }
    }

    [Fact]
    public void Train_ClassBalancing_RecognisesARareClassBetter()
    {
        var (train, test) = Blobs.Make(3, 16, 200, 60, 1.5f, seed: 8);
        var rareDropped = 0;
        var skewed = train.Where(label => label != Blobs.Label(2) || rareDropped++ % 20 == 0);
        var balanced = new HeadModel(16);
        var plain = new HeadModel(16);
        HeadTrainer.Train(balanced, skewed, Fast with { BalanceClasses = true });
        HeadTrainer.Train(plain, skewed, Fast with { BalanceClasses = false });

        var rare = test.Where(l => l == Blobs.Label(2));

        var withBalance = HeadEvaluator.Accuracy(balanced, rare);
        var without = HeadEvaluator.Accuracy(plain, rare);
        Assert.True(withBalance > without + 0.1, $"rare class: balanced {withBalance}, plain {without}");
    }

    [Fact]
    public void SampleSet_Add_NaNOrWrongLength_IsRejected()
    {
        var set = new SampleSet(3);

        Assert.Throws<ArgumentException>(() => set.Add([1f, float.NaN, 2f], "a"));
        Assert.Throws<ArgumentException>(() => set.Add([1f, float.PositiveInfinity, 2f], "a"));
        Assert.Throws<ArgumentException>(() => set.Add([1f, 2f], "a"));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void SetParameters_NaN_IsRejectedAndHeadUnchanged()
    {
        var (train, test) = Blobs.Make(2, 4, 10, 5, 0.3f);
        var head = new HeadModel(4);
        HeadTrainer.Train(head, train, Fast);
        var before = Probabilities(head, test);
        var bad = new float[head.ParameterCount];
        bad[3] = float.NaN;

        Assert.Throws<ArgumentException>(() => head.SetParameters(bad));
        Assert.Equal(before, Probabilities(head, test));
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        var (train, _) = Blobs.Make(2, 4, 4, 1, 0.3f);

        Assert.Throws<ArgumentOutOfRangeException>(() => HeadTrainer.Train(new HeadModel(4), train, new TrainingOptions { LearningRate = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeadTrainer.Train(new HeadModel(4), train, new TrainingOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => HeadTrainer.Train(new HeadModel(5), train, new TrainingOptions()));
    }

    [Fact]
    public void Train_Cancelled_Throws()
    {
        var (train, _) = Blobs.Make(2, 4, 4, 1, 0.3f);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => HeadTrainer.Train(new HeadModel(4), train, new TrainingOptions(), cts.Token));
    }

    internal static float[] Probabilities(HeadModel head, SampleSet data)
    {
        var all = new float[data.Count * head.Classes.Count];
        for (var i = 0; i < data.Count; i++)
        {
            head.Predict(data.Row(i), all.AsSpan(i * head.Classes.Count, head.Classes.Count));
        }

        return all;
    }
}
