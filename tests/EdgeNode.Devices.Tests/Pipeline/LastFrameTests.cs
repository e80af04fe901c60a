using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Devices.Tests.Pipeline;

public sealed class LastFrameTests
{
    [Fact]
    public void CopyRecent_FramesAtTwoPerSecond_KeepsOnePerSpacingNewestFirst()
    {
        var kept = new LastFrame(3, TimeSpan.FromSeconds(1));

        // 0 s, 0.5 s, … 3.5 s: slots start at 0, 1, 2, 3 s and each holds the last frame before the next start.
        for (var seq = 0; seq < 8; seq++)
        {
            using var frame = Rgb(seq, TimeSpan.FromSeconds(seq * 0.5));
            kept.Update(frame);
        }

        var recent = kept.CopyRecent();
        try
        {
            Assert.Equal([7, 5, 3], recent.Select(f => f.Sequence));
            Assert.Equal((byte)5, recent[1].Data[0]);
            Assert.Equal(7, kept.TakeJpeg(80)!.Sequence);
        }
        finally
        {
            foreach (var frame in recent)
            {
                frame.Dispose();
            }
        }
    }

    [Fact]
    public void CopyRecent_BeforeAnyFrame_IsEmpty_AndTheDefaultKeepsOnlyTheLast()
    {
        var last = new LastFrame();
        Assert.Empty(last.CopyRecent());
        Assert.Null(last.TakeJpeg(80));

        using (var a = Rgb(1, TimeSpan.Zero))
        using (var b = Rgb(2, TimeSpan.FromSeconds(5)))
        {
            last.Update(a);
            last.Update(b);
        }

        var recent = last.CopyRecent();
        Assert.Equal(2, Assert.Single(recent).Sequence);
        recent[0].Dispose();
    }

    [Fact]
    public void Update_ClockGoesBackwards_StartsANewSlot()
    {
        var kept = new LastFrame(2, TimeSpan.FromSeconds(10));
        using (var a = Rgb(1, TimeSpan.FromSeconds(100)))
        using (var b = Rgb(2, TimeSpan.FromSeconds(1)))
        {
            kept.Update(a);
            kept.Update(b);
        }

        var recent = kept.CopyRecent();
        Assert.Equal([2, 1], recent.Select(f => f.Sequence));
        foreach (var frame in recent)
        {
            frame.Dispose();
        }
    }

    private static Frame Rgb(long seq, TimeSpan at)
    {
        var rgb = new byte[4 * 4 * 3];
        rgb.AsSpan().Fill((byte)seq);
        return Frame.Copy(seq, DateTimeOffset.UnixEpoch + at, 4, 4, FrameFormat.Rgb24, rgb);
    }
}
