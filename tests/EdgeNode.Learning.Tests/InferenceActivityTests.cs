namespace EdgeNode.Learning.Tests;

public sealed class InferenceActivityTests
{
    [Fact]
    public async Task WaitWhileBusy_BlocksUntilTheLastInferenceEnds()
    {
        using var activity = new InferenceActivity();
        activity.Begin();
        activity.Begin();
        var waiter = Task.Run(activity.WaitWhileBusy);

        await Task.Delay(100);
        Assert.False(waiter.IsCompleted);
        activity.End();
        await Task.Delay(100);
        Assert.False(waiter.IsCompleted); // one inference still runs
        activity.End();

        await waiter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(activity.IsBusy);
    }

    [Fact]
    public void HeadTrainer_CallsBetweenBatchesOncePerMiniBatch()
    {
        var data = new SampleSet(4);
        for (var i = 0; i < 10; i++)
        {
            data.Add([i, 1, 0, 0], i % 2 == 0 ? "a" : "b");
        }

        var calls = 0;
        HeadTrainer.Train(new HeadModel(4), data, new TrainingOptions { Epochs = 3, BatchSize = 4, BetweenBatches = () => calls++ });

        Assert.Equal(3 * 3, calls); // 10 samples in batches of 4: 3 per epoch
    }
}
