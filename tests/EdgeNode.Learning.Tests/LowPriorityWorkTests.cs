namespace EdgeNode.Learning.Tests;

public sealed class LowPriorityWorkTests
{
    [Fact]
    public async Task RunAsync_RunsOnANice19ThreadAndReturnsTheResult()
    {
        var (nice, name) = await LowPriorityWork.RunAsync("test-training", () => (LowPriorityWork.CurrentThreadNice(), Thread.CurrentThread.Name));

        Assert.Equal(19, nice);
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
