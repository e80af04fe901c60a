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
}
