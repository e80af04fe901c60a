using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class MjpegSplitterTests
{
    private static readonly byte[] First = TestImages.Jpeg(40, 30, SKColors.Red, 1, 1);
    private static readonly byte[] Second = TestImages.Jpeg(48, 32, SKColors.Green, 7, 3);

    [Fact]
    public void TryReadFrame_StreamFedOneByteAtATime_ReturnsEachFrameWhole()
    {
        byte[] stream = [0x00, 0x12, .. First, 0xFF, 0x00, .. Second];
        using var splitter = new MjpegSplitter(1 << 20, initialCapacity: 16);
        var frames = new List<byte[]>();

        foreach (var b in stream)
        {
            splitter.GetWriteMemory(1).Span[0] = b;
            splitter.Advance(1);
            while (splitter.TryReadFrame(out var jpeg, out _, out _))
            {
                frames.Add(jpeg.ToArray());
            }
        }

        Assert.Equal(2, frames.Count);
        Assert.Equal(First, frames[0]);
        Assert.Equal(Second, frames[1]);
        Assert.Equal(0, splitter.Rejected);
    }

    [Fact]
    public void TryReadFrame_TruncatedFrameBeforeCompleteOne_RejectsItAndRecoversTheNext()
    {
        byte[] stream = [.. First.AsSpan(0, First.Length / 2), .. Second];
        using var splitter = new MjpegSplitter(1 << 20);
        stream.CopyTo(splitter.GetWriteMemory(stream.Length).Span);
        splitter.Advance(stream.Length);

        Assert.True(splitter.TryReadFrame(out var jpeg, out var width, out var height));
        Assert.Equal(Second, jpeg.ToArray());
        Assert.Equal((48, 32), (width, height));
        Assert.Equal(1, splitter.Rejected);
        Assert.False(splitter.TryReadFrame(out _, out _, out _));
    }

    [Fact]
    public void TryReadFrame_FrameWithoutEoiOverTheLimit_RejectedAndBufferReleased()
    {
        using var splitter = new MjpegSplitter(maxFrameBytes: 4096, initialCapacity: 1024);
        byte[] endless = [0xFF, 0xD8, .. Enumerable.Repeat((byte)0x55, 10_000)];
        foreach (var chunk in endless.Chunk(1000))
        {
            chunk.CopyTo(splitter.GetWriteMemory(chunk.Length).Span);
            splitter.Advance(chunk.Length);
            Assert.False(splitter.TryReadFrame(out _, out _, out _));
        }

        Assert.Equal(1, splitter.Rejected);
        First.CopyTo(splitter.GetWriteMemory(First.Length).Span);
        splitter.Advance(First.Length);
        Assert.True(splitter.TryReadFrame(out var jpeg, out _, out _));
        Assert.Equal(First, jpeg.ToArray());
    }
}
