using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class JpegInspectorTests
{
    [Fact]
    public void TryReadSize_EncodedJpeg_ReturnsItsSize()
    {
        var jpeg = TestImages.Jpeg(64, 48, SKColors.CornflowerBlue, 10, 10);

        Assert.True(JpegInspector.TryReadSize(jpeg, out var width, out var height));
        Assert.Equal((64, 48), (width, height));
    }

    [Fact]
    public void TryReadSize_GarbageBetweenMarkers_ReturnsFalse()
    {
        byte[] garbage = [0xFF, 0xD8, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0xD9];

        Assert.False(JpegInspector.TryReadSize(garbage, out _, out _));
    }

    [Fact]
    public void TryReadSize_TruncatedJpegWithEoi_ReturnsFalse()
    {
        var jpeg = TestImages.Jpeg(64, 48, SKColors.Red, 5, 5);
        byte[] truncated = [.. jpeg.AsSpan(0, 40), 0xFF, 0xD9];

        Assert.False(JpegInspector.TryReadSize(truncated, out _, out _));
    }

    [Fact]
    public void TryReadSize_CorruptedEntropyData_ReturnsFalse()
    {
        var jpeg = TestImages.Jpeg(64, 48, SKColors.Red, 5, 5);
        jpeg[^6] = 0xFF;
        jpeg[^5] = 0xC4; // a marker segment whose length runs past the end

        Assert.False(JpegInspector.TryReadSize(jpeg, out _, out _));
    }
}
