using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Devices.Tests.Pipeline;

public sealed class JpegThumbnailDecoderTests
{
    [Fact]
    public void TryDecode_DecompressionBombPng_FalseWithoutAllocatingItsPixels()
    {
        using var decoder = new JpegThumbnailDecoder();
        var thumbnail = new byte[LumaThumbnail.Width * LumaThumbnail.Height];
        Array.Fill(thumbnail, (byte)9);
        var bomb = EdgeNode.Testing.PngBomb.Create(50_000, 50_000);
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.False(decoder.TryDecode(bomb, thumbnail));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
        Assert.All(thumbnail, b => Assert.Equal(9, b));
    }
}
