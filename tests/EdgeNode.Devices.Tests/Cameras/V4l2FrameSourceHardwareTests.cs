using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Cameras;

/// <summary>Needs a USB or CSI camera at /dev/video0; excluded from CI with <c>--filter Category!=Hardware</c>.</summary>
[Trait("Category", "Hardware")]
public sealed class V4l2FrameSourceHardwareTests
{
    [Theory]
    [InlineData("MJPEG", FrameFormat.Jpeg)]
    [InlineData("YUYV", FrameFormat.Rgb24)]
    public async Task ReadFramesAsync_RealCamera_DeliversFramesInTheRequestedFormat(string pixelFormat, FrameFormat expected)
    {
        var options = new CameraOptions { Source = "v4l2:/dev/video0", Width = 640, Height = 480, FramesPerSecond = 10, PixelFormat = pixelFormat };
        var source = new V4l2FrameSource("/dev/video0", options, new CaptureCounters(), TimeProvider.System, new ListLogger<V4l2FrameSource>());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = 0;

        await foreach (var frame in source.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                Assert.Equal(expected, frame.Format);
                Assert.True(frame.Width > 0 && frame.Height > 0);
            }

            if (++count == 5)
            {
                break;
            }
        }

        Assert.Equal(5, source.Counters.FramesCaptured);
    }
}
