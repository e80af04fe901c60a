namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Downscales packed 8-bit colour pixels to a small luma image by averaging a 4×4 grid of samples per
/// cell: cheap (a few thousand pixels read whatever the frame size) yet robust to single-pixel noise.
/// </summary>
internal static class LumaThumbnail
{
    public const int Width = 32;
    public const int Height = 24;
    private const int SamplesPerAxis = 4;

    /// <summary>Writes <see cref="Width"/>×<see cref="Height"/> luma bytes into <paramref name="thumbnail"/>.</summary>
    /// <param name="pixels">Source rows.</param>
    /// <param name="width">Source width.</param>
    /// <param name="height">Source height.</param>
    /// <param name="stride">Bytes per source row.</param>
    /// <param name="bytesPerPixel">3 for RGB24, 4 for RGBA.</param>
    /// <param name="thumbnail">Destination, at least Width × Height bytes.</param>
    public static void Sample(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bytesPerPixel, Span<byte> thumbnail)
    {
        for (var cy = 0; cy < Height; cy++)
        {
            var y0 = cy * height / Height;
            var y1 = Math.Max(y0 + 1, (cy + 1) * height / Height);
            for (var cx = 0; cx < Width; cx++)
            {
                var x0 = cx * width / Width;
                var x1 = Math.Max(x0 + 1, (cx + 1) * width / Width);
                var sum = 0;
                for (var sy = 0; sy < SamplesPerAxis; sy++)
                {
                    var y = Math.Min(height - 1, y0 + (((y1 - y0) * ((2 * sy) + 1)) / (2 * SamplesPerAxis)));
                    var row = pixels.Slice(y * stride);
                    for (var sx = 0; sx < SamplesPerAxis; sx++)
                    {
                        var x = Math.Min(width - 1, x0 + (((x1 - x0) * ((2 * sx) + 1)) / (2 * SamplesPerAxis)));
                        var p = x * bytesPerPixel;

                        // BT.601 luma in fixed point.
                        sum += ((77 * row[p]) + (150 * row[p + 1]) + (29 * row[p + 2])) >> 8;
                    }
                }

                thumbnail[(cy * Width) + cx] = (byte)(sum / (SamplesPerAxis * SamplesPerAxis));
            }
        }
    }

    /// <summary>Mean absolute difference of two thumbnails, 0–255.</summary>
    public static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var total = 0;
        for (var i = 0; i < a.Length; i++)
        {
            total += Math.Abs(a[i] - b[i]);
        }

        return (double)total / a.Length;
    }
}
