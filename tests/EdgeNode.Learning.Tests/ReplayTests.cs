using EdgeNode.Testing;
using EdgeNode.Core;
using EdgeNode.Learning;

namespace EdgeNode.Learning.Tests;

public sealed class ReplayTests
{
    [Fact]
    public void Offer_ManySamples_KeepsAtMostCapacityPerClass()
    {
        var buffer = new ReplayBuffer(2, capacityPerClass: 5);
        for (var i = 0; i < 100; i++)
        {
            buffer.Offer([i, 0], "a");
            if (i < 3)
            {
                buffer.Offer([i, 1], "b");
            }
        }

        var set = new SampleSet(2);
        buffer.CopyTo(set);
        Assert.Equal(8, buffer.Count);
        Assert.Equal(5, set.Where(l => l == "a").Count);
        Assert.Equal(3, set.Where(l => l == "b").Count);
    }

    [Fact]
    public void Reservoir_KeepsAUniformSample()
    {
        // Each of 100 stream items should survive in a 10-slot reservoir with probability 0.1.
        var kept = new int[100];
        var random = new Random(11);
        for (var trial = 0; trial < 4000; trial++)
        {
            var slots = new int[10];
            for (var seen = 1; seen <= 100; seen++)
            {
                var slot = Reservoir.ChooseSlot(seen, 10, random);
                if (slot >= 0)
                {
                    slots[slot] = seen - 1;
                }
            }

            foreach (var item in slots)
            {
                kept[item]++;
            }
        }

        Assert.All(kept, count => Assert.InRange(count, 300, 500));
    }

    [Fact]
    public void ClassIncremental_WithReplay_ForgetsFarLessThanWithout()
    {
        var (train, test) = Blobs.Make(classes: 10, dimension: 32, trainPerClass: 60, testPerClass: 30, spread: 1.5f);
        var options = new TrainingOptions { Epochs = 60, LearningRate = 5e-3f };

        var small = ClassIncrementalRun.Run(train, test, tasks: 5, replayPerClass: 15, options);
        var full = ClassIncrementalRun.Run(train, test, tasks: 5, replayPerClass: 60, options);

        Assert.Equal(5, small.AfterEachTask.Count);
        Assert.True(small.AccuracyNoReplay < 0.5, $"no replay {small.AccuracyNoReplay}");
        Assert.True(small.AccuracyIncremental > small.AccuracyNoReplay + 0.2, $"replay {small.AccuracyIncremental} vs {small.AccuracyNoReplay}");

        // A reservoir that holds every sample must end where joint training does: nothing else is lost on the way.
        Assert.True(Math.Abs(full.AccuracyJoint - full.AccuracyIncremental) < 0.03, $"replay {full.AccuracyIncremental} vs joint {full.AccuracyJoint}");
    }

    [Fact]
    public void WithReplay_TaskAndBuffer_TheTaskFirstThenEveryBufferedSample()
    {
        var buffer = new ReplayBuffer(2, capacityPerClass: 5);
        buffer.Offer([1, 1], "old");
        buffer.Offer([2, 2], "old");
        var task = new SampleSet(2);
        task.Add([9, 9], "new");

        var replayed = buffer.WithReplay(task);

        Assert.Equal(["new", "old", "old"], Enumerable.Range(0, replayed.Count).Select(replayed.LabelOf));
        Assert.Equal([9f, 9f], replayed.Row(0).ToArray());
        Assert.Equal(1, task.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void TaskGroups_TasksOutsideOneToClassCount_Throws(int tasks)
    {
        var (train, _) = Blobs.Make(classes: 5, dimension: 4, trainPerClass: 2, testPerClass: 1, spread: 1f);

        Assert.Throws<ArgumentOutOfRangeException>(() => ClassIncrementalRun.TaskGroups(train, tasks));
    }

    [Fact]
    public void TaskGroups_FiveClassesInTwoTasks_ContiguousGroupsCoveringEveryClassOnce()
    {
        var (train, _) = Blobs.Make(classes: 5, dimension: 4, trainPerClass: 2, testPerClass: 1, spread: 1f);

        var classes = train.Classes.ToList();

        var groups = ClassIncrementalRun.TaskGroups(train, 2);

        Assert.Equal(classes.Take(2), groups[0].OrderBy(classes.IndexOf));
        Assert.Equal(classes.Skip(2), groups[1].OrderBy(classes.IndexOf));
    }
}
