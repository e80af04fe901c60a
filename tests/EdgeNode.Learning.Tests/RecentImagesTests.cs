using EdgeNode.Core;

namespace EdgeNode.Learning.Tests;

public sealed class RecentImagesTests
{
    [Fact]
    public void Record_BeyondCapacity_ForgetsTheOldest_LastIsTheNewest()
    {
        var images = new RecentImages(2);
        images.Record("r1", [1]);
        images.Record("r2", [2]);
        images.Record("r3", [3]);

        Assert.Null(images.Find("r1"));
        Assert.Equal([2], images.Find("r2"));
        Assert.Equal([3], images.Find("last"));
    }

    [Fact]
    public void CapacityZero_KeepsNothing()
    {
        var images = new RecentImages(0);
        images.Record("r1", [1]);

        Assert.False(images.Enabled);
        Assert.Null(images.Find("r1"));
        Assert.Null(images.Find("last"));
    }

    [Fact]
    public void Record_RawFrame_IsEncodedOnlyWhenAskedForAndOnce()
    {
        var encoded = 0;
        var images = new RecentImages(2, encode: frame => [(byte)++encoded, frame.Data[0]]);
        using (var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 2, 1, FrameFormat.Rgb24, [7, 7, 7, 7, 7, 7]))
        {
            images.Record("r1", frame);
        }

        Assert.Equal(0, encoded); // nothing encoded on the frame path

        Assert.Equal([1, 7], images.Find("r1"));
        Assert.Equal([1, 7], images.Find("last"));
        Assert.Equal(1, encoded);
    }

    [Fact]
    public void Record_JpegFrame_IsKeptAsItIs()
    {
        var images = new RecentImages(1, encode: _ => throw new InvalidOperationException("a camera JPEG is not re-encoded"));
        using var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, [0xFF, 0xD8, 1, 0xFF, 0xD9]);

        images.Record("r1", frame);

        Assert.Equal([0xFF, 0xD8, 1, 0xFF, 0xD9], images.Find("r1"));
    }
}
