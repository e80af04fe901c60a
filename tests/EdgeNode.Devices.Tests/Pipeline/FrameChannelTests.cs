using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Devices.Tests.Pipeline;

public sealed class FrameChannelTests
{
    [Fact]
    public void Write_MoreThanCapacity_DropsOldestDisposesAndCountsThem()
    {
        using var channel = new FrameChannel(capacity: 2);
        var frames = Enumerable.Range(1, 5).Select(i => Frame.Copy(i, DateTimeOffset.UnixEpoch, 1, 1, FrameFormat.Rgb24, [1, 2, 3])).ToList();

        foreach (var frame in frames)
        {
            Assert.True(channel.Write(frame));
        }

        Assert.Equal(3, channel.DroppedFrames);
        Assert.Equal(2, channel.Count);
        foreach (var dropped in frames.Take(3))
        {
            Assert.Throws<ObjectDisposedException>(() => dropped.Data.Length);
        }

        Assert.True(channel.Reader.TryRead(out var first));
        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal((4L, 5L), (first.Sequence, second.Sequence));
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task PumpAsync_SlowConsumer_CaptureNeverBlocksAndDropsAreCounted()
    {
        using var channel = new FrameChannel(capacity: 3);
        var source = new SyntheticFrameSource(new CameraOptions { Width = 16, Height = 16, FramesPerSecond = 200 }, new CaptureCounters(), TimeProvider.System);
        using var cts = new CancellationTokenSource();

        var pump = channel.PumpAsync(source, cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (source.Counters.FramesCaptured < 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await cts.CancelAsync();
        await pump;

        Assert.True(source.Counters.FramesCaptured >= 30);
        Assert.InRange(channel.Count, 1, 3);
        Assert.Equal(source.Counters.FramesCaptured - channel.Count, channel.DroppedFrames);
    }

    [Fact]
    public async Task PumpAsync_SourceFails_ReaderSeesTheError()
    {
        using var channel = new FrameChannel(capacity: 2);
        var source = new FolderFrameSource("/nonexistent/frames", new CameraOptions(), new CaptureCounters(), TimeProvider.System, new Support.ListLogger<FolderFrameSource>());

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => channel.PumpAsync(source, CancellationToken.None));

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => channel.Reader.Completion);
    }

    [Fact]
    public void Write_AfterDispose_ReturnsFalseAndDisposesTheFrame()
    {
        var channel = new FrameChannel(capacity: 1);
        channel.Dispose();
        var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 1, 1, FrameFormat.Rgb24, [1, 2, 3]);

        Assert.False(channel.Write(frame));
        Assert.Throws<ObjectDisposedException>(() => frame.Data.Length);
    }
}
