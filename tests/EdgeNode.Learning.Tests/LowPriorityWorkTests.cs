namespace EdgeNode.Learning.Tests;

public sealed class LowPriorityWorkTests
{
    [Fact]
    public async Task RunAsync_RunsOnASchedIdleNice19ThreadAndReturnsTheResult()
    {
        var (nice, policy, name) = await LowPriorityWork.RunAsync("test-training", () => (LowPriorityWork.CurrentThreadNice(), LowPriorityWork.CurrentThreadPolicy(), Thread.CurrentThread.Name));

        Assert.Equal(19, nice);
        Assert.Equal(5, policy); // SCHED_IDLE
        Assert.NotEqual(5, LowPriorityWork.CurrentThreadPolicy());
        Assert.Equal("test-training", name);
        Assert.NotEqual(19, LowPriorityWork.CurrentThreadNice()); // only that thread was lowered
    }

    [Fact]
    public async Task RunAsync_ExceptionReachesTheCaller()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LowPriorityWork.RunAsync<int>("test-training", () => throw new InvalidOperationException("boom")));

        Assert.Equal("boom", error.Message);
    }
}
