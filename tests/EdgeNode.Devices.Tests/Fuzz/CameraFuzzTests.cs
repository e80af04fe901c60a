using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Devices.Tests.Support;
using EdgeNode.Testing.Fuzz;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Fuzz;

/// <summary>
/// Issue 20: the bytes a camera process or an MJPEG stream hands the node, under 10,000 seeded mutations each. The
/// splitter never throws and never hands out more than its limit, and recovers on the next clean frames; the
/// thumbnail decoder says no without touching the thumbnail.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CameraFuzzTests
{
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly byte[] First = TestImages.Jpeg(40, 30, SKColors.Red, 1, 1);
    private static readonly byte[] Second = TestImages.Jpeg(48, 32, SKColors.Green, 7, 3);

    [Fact]
    public void MjpegSplitter_MutatedStreams_NeverThrows_FramesWithinTheLimit_RecoversOnCleanFrames()
    {
        byte[][] seeds = [[0x00, 0x12, .. First, 0xFF, 0x00, .. Second], [.. First.AsSpan(0, First.Length / 2), .. Second], [.. Second, .. First]];
        var pieces = new Random(4);

        FuzzRun.Run("MjpegSplitter", seeds, input =>
        {
            using var splitter = new MjpegSplitter(MaxFrameBytes, initialCapacity: 4096);
            var frames = Feed(splitter, input, pieces);
            var recovered = Feed(splitter, [.. First, .. First], pieces);

            Assert.True(recovered >= 1, "no clean frame found after the mutated stream");
            return frames > 0;
        });
    }

    [Fact]
    public void JpegThumbnailDecoder_MutatedJpegs_DecodesOrSaysNo_ThumbnailUntouchedWhenNo()
    {
        using var decoder = new JpegThumbnailDecoder();
        var thumbnail = new byte[LumaThumbnail.Width * LumaThumbnail.Height];

        FuzzRun.Run("JpegThumbnailDecoder", [First, Second], input =>
        {
            Array.Fill(thumbnail, (byte)9);
            var decoded = decoder.TryDecode(input, thumbnail);
            if (!decoded)
            {
                Assert.All(thumbnail, b => Assert.Equal(9, b));
            }

            return decoded;
        });
    }

    // Fed in pieces of random size, as a pipe delivers them; returns the frames read.
    private static int Feed(MjpegSplitter splitter, byte[] stream, Random pieces)
    {
        var frames = 0;
        for (var at = 0; at < stream.Length;)
        {
            var n = Math.Min(stream.Length - at, 1 + pieces.Next(700));
            stream.AsSpan(at, n).CopyTo(splitter.GetWriteMemory(n).Span);
            splitter.Advance(n);
            at += n;
            while (splitter.TryReadFrame(out var jpeg, out _, out _))
            {
                Assert.InRange(jpeg.Length, 4, MaxFrameBytes);
                frames++;
            }
        }

        return frames;
    }
}
