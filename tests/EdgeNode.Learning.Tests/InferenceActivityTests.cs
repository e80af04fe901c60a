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
    public void HeadTrainer_CallsBetweenBatchesOncePerMiniBatchAndEvery64RowsOfItsPreparation()
    {
        var data = new SampleSet(4);
        for (var i = 0; i < 130; i++)
        {
            data.Add([i, 1, 0, 0], i % 2 == 0 ? "a" : "b");
        }

        var calls = 0;
        HeadTrainer.Train(new HeadModel(4), data, new TrainingOptions { Epochs = 3, BatchSize = 50, BetweenBatches = () => calls++ });

        // 130 rows standardised in 3 blocks of up to 64, then 3 epochs of 3 batches of up to 50
        Assert.Equal(3 + (3 * 3), calls);
    }
}
