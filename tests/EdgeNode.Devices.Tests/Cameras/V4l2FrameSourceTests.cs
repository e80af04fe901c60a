using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class V4l2FrameSourceTests
{
    [Fact]
    public async Task ReadFramesAsync_DeviceMissing_LogsAndRetriesWithBackoffUntilCancelled()
    {
        var options = new CameraOptions { RestartDelay = TimeSpan.FromMilliseconds(20), MaxRestartDelay = TimeSpan.FromMilliseconds(40) };
        var logger = new ListLogger<V4l2FrameSource>();
        var source = new V4l2FrameSource("/dev/video97", options, new CaptureCounters(), TimeProvider.System, logger);
        using var cts = new CancellationTokenSource();

        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(cts.Token))
            {
                frame.Dispose();
            }
        });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (source.Counters.Restarts < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.True(source.Counters.Restarts >= 3);
        Assert.Equal(0, source.Counters.FramesCaptured);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Exception is not null && e.Message.Contains("v4l2:/dev/video97", StringComparison.Ordinal));
    }
}
