using SkiaSharp;

namespace EdgeNode.Devices.Tests.Support;

internal static class TestImages
{
    /// <summary>A JPEG of a solid colour with a square of another colour at (x, y).</summary>
    public static byte[] Jpeg(int width, int height, SKColor background, int squareX = -1, int squareY = 0, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            if (squareX >= 0)
            {
                using var paint = new SKPaint { Color = SKColors.White };
                canvas.DrawRect(squareX, squareY, width / 3f, height / 3f, paint);
            }
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    public static SKBitmap Decode(ReadOnlySpan<byte> jpeg) =>
        SKBitmap.Decode(jpeg.ToArray()) ?? throw new InvalidDataException("Not decodable.");
}
