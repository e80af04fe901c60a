using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class FolderFrameSourceTests
{
    private static readonly CameraOptions Fast = new() { FramesPerSecond = 200 };

    [Fact]
    public async Task ReadFramesAsync_MixedFolder_ReplaysImagesInNameOrderInALoop()
    {
        using var dir = new TempDirectory();
        var a = dir.File("a.jpg", TestImages.Jpeg(32, 24, SKColors.Red));
        dir.File("b.png", TestImages.Jpeg(40, 30, SKColors.Green, format: SKEncodedImageFormat.Png));
        var c = dir.File("c.JPEG", TestImages.Jpeg(48, 36, SKColors.Blue));
        dir.File("notes.txt", "not an image");
        var logger = new ListLogger<FolderFrameSource>();
        var source = new FolderFrameSource(dir.Path, Fast, new CaptureCounters(), TimeProvider.System, logger);

        var frames = await TakeAsync(source, 7);

        Assert.All(frames, f => Assert.Equal(FrameFormat.Jpeg, f.Format));
        Assert.Equal([32, 40, 48, 32, 40, 48, 32], frames.Select(f => f.Width));
        Assert.Equal(File.ReadAllBytes(a), frames[0].Bytes);
        Assert.Equal(File.ReadAllBytes(c), frames[2].Bytes);
        using var png = TestImages.Decode(frames[1].Bytes); // the PNG came out as a decodable JPEG
        Assert.Equal((40, 30), (png.Width, png.Height));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], frames.Select(f => f.Sequence));
    }

    [Fact]
    public async Task ReadFramesAsync_CorruptImage_SkippedCountedAndLogged()
    {
        using var dir = new TempDirectory();
        dir.File("a.jpg", TestImages.Jpeg(32, 24, SKColors.Red));
        dir.File("b.jpg", [0xFF, 0xD8, 0x01, 0x02, 0xFF, 0xD9]);
        var logger = new ListLogger<FolderFrameSource>();
        var source = new FolderFrameSource(dir.Path, Fast, new CaptureCounters(), TimeProvider.System, logger);

        var frames = await TakeAsync(source, 3);

        Assert.All(frames, f => Assert.Equal(32, f.Width));
        Assert.True(source.Counters.CorruptFrames >= 2);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("b.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadFramesAsync_DecompressionBombPng_SkippedAsCorrupt_OthersReplayed()
    {
        using var dir = new TempDirectory();
        dir.File("a.jpg", TestImages.Jpeg(32, 24, SKColors.Red));
        dir.File("b.png", EdgeNode.Testing.PngBomb.Create(50_000, 50_000));
        var logger = new ListLogger<FolderFrameSource>();
        var source = new FolderFrameSource(dir.Path, Fast, new CaptureCounters(), TimeProvider.System, logger);

        var frames = await TakeAsync(source, 3);

        Assert.All(frames, f => Assert.Equal(32, f.Width));
        Assert.True(source.Counters.CorruptFrames >= 1);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("b.png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadFramesAsync_MissingFolder_ThrowsNamingIt()
    {
        var source = new FolderFrameSource("/nonexistent/edgenode", Fast, new CaptureCounters(), TimeProvider.System, new ListLogger<FolderFrameSource>());

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => TakeAsync(source, 1));
        Assert.Contains("/nonexistent/edgenode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFramesAsync_FolderWithoutImages_ThrowsClearError()
    {
        using var dir = new TempDirectory();
        dir.File("readme.txt", "nothing here");
        var source = new FolderFrameSource(dir.Path, Fast, new CaptureCounters(), TimeProvider.System, new ListLogger<FolderFrameSource>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TakeAsync(source, 1));
        Assert.Contains("no readable", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<(long Sequence, int Width, FrameFormat Format, byte[] Bytes)>> TakeAsync(FolderFrameSource source, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = new List<(long, int, FrameFormat, byte[])>();
        await foreach (var frame in source.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                result.Add((frame.Sequence, frame.Width, frame.Format, frame.Data.ToArray()));
            }

            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }
}
