using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Inference.Tests;

public sealed class ImagePreprocessorTests
{
    private const int Size = 4;

    [Fact]
    public void ProcessPixels_UniformImage_WritesBgrPlanesMinusMean()
    {
        var mean = Enumerable.Range(0, 3 * Size * Size).Select(i => (float)i).ToArray();
        var pre = new ImagePreprocessor(Size, mean, bgr: true);
        var pixels = Repeat([10, 20, 30], 8 * 6);
        var tensor = new float[pre.TensorLength];

        pre.ProcessPixels(pixels, 8, 6, 3, tensor);

        var plane = Size * Size;
        for (var i = 0; i < plane; i++)
        {
            Assert.Equal(30 - mean[i], tensor[i], 3);                 // B
            Assert.Equal(20 - mean[plane + i], tensor[plane + i], 3); // G
            Assert.Equal(10 - mean[(2 * plane) + i], tensor[(2 * plane) + i], 3); // R
        }
    }

    [Fact]
    public void ProcessPixels_RgbOrder_KeepsRedFirst()
    {
        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: false, range: 1f);
        var pixels = Repeat([255, 0, 51], 4 * 4);
        var tensor = new float[pre.TensorLength];

        pre.ProcessPixels(pixels, 4, 4, 3, tensor);

        Assert.Equal(1f, tensor[0], 4);
        Assert.Equal(0f, tensor[Size * Size], 4);
        Assert.Equal(0.2f, tensor[2 * Size * Size], 4);
    }

    [Fact]
    public void ProcessPixels_WideImage_CropsTheCentre()
    {
        // 12x4 image: left third red, centre third green, right third blue; the 4x4 centre crop is green.
        var pixels = new byte[12 * 4 * 3];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 12; x++)
            {
                var o = ((y * 12) + x) * 3;
                pixels[o + (x / 4)] = 200;
            }
        }

        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: false);
        var tensor = new float[pre.TensorLength];
        pre.ProcessPixels(pixels, 12, 4, 3, tensor);

        var plane = Size * Size;
        Assert.All(tensor.AsSpan(plane, plane).ToArray(), v => Assert.Equal(200f, v, 3));
        Assert.All(tensor.AsSpan(0, plane).ToArray(), v => Assert.Equal(0f, v, 3));
    }

    [Fact]
    public void Process_JpegFrame_DecodesLikeRawPixels()
    {
        using var bitmap = new SKBitmap(64, 48, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bitmap.Erase(new SKColor(90, 140, 200));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        using var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, data.Span);
        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: false);
        var tensor = new float[pre.TensorLength];

        pre.Process(frame, tensor);

        Assert.Equal(90, tensor[0], tolerance: 3);
        Assert.Equal(140, tensor[Size * Size], tolerance: 3);
        Assert.Equal(200, tensor[2 * Size * Size], tolerance: 3);
    }

    [Theory]
    [InlineData(50_000, 50_000)]
    [InlineData(10_000, 10_000)]
    public void ProcessEncoded_DecompressionBombPng_RefusedAsBadDataBeforeAllocating_TensorUntouched(int width, int height)
    {
        var bomb = EdgeNode.Testing.PngBomb.Create(width, height);
        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: true);
        var tensor = Enumerable.Repeat(7f, pre.TensorLength).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidDataException>(() => pre.ProcessEncoded(bomb, tensor));

        Assert.True(bomb.Length < 200);
        Assert.Contains($"{width}x{height}", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
        Assert.All(tensor, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void Process_CorruptJpeg_ThrowsInvalidData()
    {
        using var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, [0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02]);
        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: true);

        Assert.Throws<InvalidDataException>(() => pre.Process(frame, new float[pre.TensorLength]));
    }

    [Fact]
    public void Process_ShortRgbBuffer_ThrowsInvalidData()
    {
        using var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 10, 10, FrameFormat.Rgb24, new byte[30]);
        var pre = new ImagePreprocessor(Size, new float[3 * Size * Size], bgr: true);

        Assert.Throws<InvalidDataException>(() => pre.Process(frame, new float[pre.TensorLength]));
    }

    private static byte[] Repeat(byte[] pixel, int count) =>
        Enumerable.Range(0, count).SelectMany(_ => pixel).ToArray();
}
