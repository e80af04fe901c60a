using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace EdgeNode.Devices.Tests.Pipeline;

public sealed class ChangeGateTests
{
    [Fact]
    public void ShouldInfer_IdenticalRgbFrames_OnlyTheFirstIsInferred()
    {
        using var gate = Gate(new ChangeGateOptions());
        using var a = Rgb(1, squareX: 10);
        using var b = Rgb(2, squareX: 10);
        using var c = Rgb(3, squareX: 10);

        Assert.True(gate.ShouldInfer(a));
        Assert.False(gate.ShouldInfer(b));
        Assert.False(gate.ShouldInfer(c));
        Assert.Equal(0, gate.LastDifference);
        Assert.Equal((1L, 2L), (gate.FramesInferred, gate.FramesSkipped));
    }

    [Fact]
    public void ShouldInfer_ChangedRgbFrame_IsInferredAndBecomesTheReference()
    {
        using var gate = Gate(new ChangeGateOptions());
        using var a = Rgb(1, squareX: 0);
        using var moved = Rgb(2, squareX: 100);
        using var same = Rgb(3, squareX: 100);

        Assert.True(gate.ShouldInfer(a));
        Assert.True(gate.ShouldInfer(moved));
        Assert.True(gate.LastDifference > 2);
        Assert.False(gate.ShouldInfer(same));
    }

    [Fact]
    public void ShouldInfer_Jpeg_IdenticalSkippedChangedInferred()
    {
        using var gate = Gate(new ChangeGateOptions());
        var still = TestImages.Jpeg(320, 240, SKColors.DarkGreen, 20, 20);
        var moved = TestImages.Jpeg(320, 240, SKColors.DarkGreen, 200, 150);

        Assert.True(gate.ShouldInfer(Jpeg(1, still)));
        Assert.False(gate.ShouldInfer(Jpeg(2, still)));
        Assert.True(gate.ShouldInfer(Jpeg(3, moved)));
    }

    [Fact]
    public void ShouldInfer_Disabled_EveryFrameIsInferred()
    {
        using var gate = Gate(new ChangeGateOptions { Enabled = false });
        using var a = Rgb(1, squareX: 10);
        using var b = Rgb(2, squareX: 10);

        Assert.True(gate.ShouldInfer(a));
        Assert.True(gate.ShouldInfer(b));
        Assert.Equal(0, gate.FramesSkipped);
    }

    [Fact]
    public void ShouldInfer_StillSceneLongerThanMaxSkipped_InfersAgain()
    {
        using var gate = Gate(new ChangeGateOptions { MaxSkippedFrames = 2 });
        var results = Enumerable.Range(1, 7).Select(i =>
        {
            using var frame = Rgb(i, squareX: 10);
            return gate.ShouldInfer(frame);
        }).ToList();

        Assert.Equal([true, false, false, true, false, false, true], results);
    }

    [Fact]
    public void ShouldInfer_UndecodableJpeg_IsInferredSoTheErrorSurfaces()
    {
        using var gate = Gate(new ChangeGateOptions());
        var still = TestImages.Jpeg(64, 48, SKColors.Gray);
        Assert.True(gate.ShouldInfer(Jpeg(1, still)));

        Assert.True(gate.ShouldInfer(Jpeg(2, [0xFF, 0xD8, 0x00, 0xFF, 0xD9])));
        Assert.True(double.IsNaN(gate.LastDifference));
    }

    private static ChangeGate Gate(ChangeGateOptions options) => new(Options.Create(options));

    private static Frame Jpeg(long sequence, byte[] data) => Frame.Copy(sequence, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, data);

    private static Frame Rgb(long sequence, int squareX)
    {
        const int Width = 160;
        const int Height = 120;
        return Frame.Create(sequence, DateTimeOffset.UnixEpoch, Width, Height, FrameFormat.Rgb24, Width * Height * 3, squareX, static (span, x0) =>
        {
            span.Fill(40);
            for (var y = 30; y < 70; y++)
            {
                span.Slice(((y * Width) + x0) * 3, 40 * 3).Fill(230);
            }
        });
    }
}
