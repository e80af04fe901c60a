using EdgeNode.Devices.Cameras;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class YuyvTests
{
    [Fact]
    public void ToRgb24_KnownColours_ConvertWithBt601()
    {
        // Two pixel pairs: black/white (neutral chroma), then pure-ish red (Y=81, U=90, V=240).
        byte[] yuyv = [16, 128, 235, 128, 81, 90, 81, 240];
        var rgb = new byte[4 * 3];

        Yuyv.ToRgb24(yuyv, rgb, width: 4, height: 1);

        Assert.Equal([0, 0, 0], rgb[0..3]);
        Assert.Equal([255, 255, 255], rgb[3..6]);
        Assert.InRange(rgb[6], 250, 255);
        Assert.InRange(rgb[7], 0, 5);
        Assert.InRange(rgb[8], 0, 5);
    }
}
