using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class ProcessFrameSourceTests
{
    private const string Ffmpeg = "ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=15 -f mjpeg -q:v 5 -";

    private static readonly CameraOptions FastRestart = new()
    {
        RestartDelay = TimeSpan.FromMilliseconds(50),
        MaxRestartDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task ReadFramesAsync_Ffmpeg_FramesDecodeAtAboutTheSourceRate()
    {
        var source = Create(Ffmpeg, out _);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var frames = new List<Frame>();
        var clock = Stopwatch.StartNew();
        TimeSpan firstAt = default;
        try
        {
            await foreach (var frame in source.ReadFramesAsync(cts.Token))
            {
                if (frames.Count == 0)
                {
                    firstAt = clock.Elapsed;
                }

                frames.Add(frame);
                if (frames.Count == 31)
                {
                    break;
                }
            }

            var fps = 30 / (clock.Elapsed - firstAt).TotalSeconds;
            Assert.InRange(fps, 5, 60); // 15 fps from -re; loose, the machine is shared
            Assert.Equal(Enumerable.Range(1, 31).Select(i => (long)i), frames.Select(f => f.Sequence));
            foreach (var frame in frames)
            {
                Assert.Equal(FrameFormat.Jpeg, frame.Format);
                Assert.Equal((320, 240), (frame.Width, frame.Height));
                using var bitmap = TestImages.Decode(frame.Data);
                Assert.Equal((320, 240), (bitmap.Width, bitmap.Height));
            }

            Assert.Equal(0, source.Counters.CorruptFrames);
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task ReadFramesAsync_ChildKilled_RestartsAndKeepsDelivering()
    {
        var source = Create(Ffmpeg, out _);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = 0;
        int? firstPid = null;
        await foreach (var frame in source.ReadFramesAsync(cts.Token))
        {
            frame.Dispose();
            count++;
            if (count == 3)
            {
                firstPid = source.CurrentProcessId;
                Assert.NotNull(firstPid);
                using var child = Process.GetProcessById(firstPid.Value);
                child.Kill(entireProcessTree: true);
            }

            if (count == 8)
            {
                break;
            }
        }

        Assert.True(source.Counters.Restarts >= 1);
        Assert.Equal(8, source.Counters.FramesCaptured);
        Assert.Null(source.CurrentProcessId); // the enumerator's disposal stopped the child
    }

    [Fact]
    public async Task ReadFramesAsync_CorruptFrameInStream_SkippedCountedAndStderrLogged()
    {
        using var dir = new TempDirectory();
        var good1 = TestImages.Jpeg(64, 48, SKColors.Red, 1, 1);
        var good2 = TestImages.Jpeg(64, 48, SKColors.Blue, 20, 10);
        byte[] corrupt = [0xFF, 0xD8, .. Enumerable.Range(0, 500).Select(i => (byte)(i % 200)), 0xFF, 0xD9];
        var file = dir.File("stream.mjpeg", [.. good1, .. corrupt, .. good2]);
        var source = Create($"echo 'camera warming up' >&2; cat '{file}'; sleep 30", out var logger);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var frames = new List<byte[]>();

        await foreach (var frame in source.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                frames.Add(frame.Data.ToArray());
            }

            if (frames.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(good1, frames[0]);
        Assert.Equal(good2, frames[1]);
        Assert.Equal(1, source.Counters.CorruptFrames);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("corrupt JPEG frame of 504 bytes", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Message.Contains("camera warming up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadFramesAsync_CommandFails_RetriedWithBackoff()
    {
        var source = Create("exit 3", out var logger);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(cts.Token))
            {
                frame.Dispose();
            }
        });

        // Two restarts take ~0.2 s with the fast back-off; starting a shell on a loaded machine can take longer.
        while (source.Counters.Restarts < 2 && !cts.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        Assert.True(source.Counters.Restarts >= 2);
        Assert.Contains(logger.Entries, e => e.Message.Contains("exited with code 3", StringComparison.Ordinal));
    }

    private static ProcessFrameSource Create(string command, out ListLogger<ProcessFrameSource> logger)
    {
        logger = new ListLogger<ProcessFrameSource>();
        return new ProcessFrameSource(command, FastRestart, new CaptureCounters(), TimeProvider.System, logger);
    }
}
