namespace EdgeNode.Devices.Cameras;

/// <summary>YUYV 4:2:2 (V4L2 <c>YUYV</c>) to packed RGB24, BT.601 limited range, integer arithmetic.</summary>
internal static class Yuyv
{
    /// <summary>Converts <paramref name="width"/>×<paramref name="height"/> pixels; width must be even.</summary>
    public static void ToRgb24(ReadOnlySpan<byte> yuyv, Span<byte> rgb, int width, int height)
    {
        var pairs = width * height / 2;
        for (var i = 0; i < pairs; i++)
        {
            var s = yuyv.Slice(i * 4, 4);
            var d = rgb.Slice(i * 6, 6);
            var u = s[1] - 128;
            var v = s[3] - 128;
            Pixel(s[0], u, v, d);
            Pixel(s[2], u, v, d[3..]);
        }
    }

    private static void Pixel(byte y, int u, int v, Span<byte> rgb)
    {
        var c = 298 * (y - 16);
        rgb[0] = Clamp((c + (409 * v) + 128) >> 8);
        rgb[1] = Clamp((c - (100 * u) - (208 * v) + 128) >> 8);
        rgb[2] = Clamp((c + (516 * u) + 128) >> 8);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
