using EdgeNode.Core;
using EdgeNode.Devices.Cameras;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class SyntheticFrameSourceTests
{
    [Fact]
    public async Task ReadFramesAsync_ConfiguredSize_ProducesRgbFramesThatChangeOverTime()
    {
        var options = new CameraOptions { Width = 64, Height = 48, FramesPerSecond = 20 };
        var source = new SyntheticFrameSource(options, new CaptureCounters(), TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var frames = new List<byte[]>();

        await foreach (var frame in source.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                Assert.Equal(FrameFormat.Rgb24, frame.Format);
                Assert.Equal((64, 48), (frame.Width, frame.Height));
                Assert.Equal(64 * 48 * 3, frame.Length);
                frames.Add(frame.Data.ToArray());
            }

            if (frames.Count == 4)
            {
                break;
            }
        }

        Assert.NotEqual(frames[0], frames[3]);
        Assert.Equal(4, source.Counters.FramesCaptured);
    }

    [Fact]
    public void Render_SameTime_SameImage_LaterTime_DifferentImage()
    {
        var a = new byte[32 * 24 * 3];
        var b = new byte[a.Length];
        var c = new byte[a.Length];

        SyntheticFrameSource.Render(a, 32, 24, 1.0);
        SyntheticFrameSource.Render(b, 32, 24, 1.0);
        SyntheticFrameSource.Render(c, 32, 24, 2.5);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
