using EdgeNode.Devices.Cameras;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Devices.Tests.Cameras;

public sealed class FrameSourceFactoryTests
{
    private readonly FrameSourceFactory _factory = new(new CaptureCounters(), TimeProvider.System, NullLoggerFactory.Instance);

    [Theory]
    [InlineData("synthetic", typeof(SyntheticFrameSource), "synthetic")]
    [InlineData("SYNTHETIC", typeof(SyntheticFrameSource), "synthetic")]
    [InlineData("folder:/srv/images", typeof(FolderFrameSource), "folder:/srv/images")]
    [InlineData("process:rpicam-vid -t 0 --codec mjpeg -o -", typeof(ProcessFrameSource), "process:rpicam-vid -t 0 --codec mjpeg -o -")]
    [InlineData("v4l2:/dev/video2", typeof(V4l2FrameSource), "v4l2:/dev/video2")]
    public void Create_KnownScheme_ReturnsMatchingSource(string source, Type expected, string name)
    {
        var created = _factory.Create(new CameraOptions { Source = source });

        Assert.IsType(expected, created);
        Assert.Equal(name, created.Name);
    }

    [Theory]
    [InlineData("rtsp://camera/stream")]
    [InlineData("webcam")]
    [InlineData("")]
    public void Create_UnknownScheme_ThrowsListingTheValidOnes(string source)
    {
        var error = Assert.Throws<ArgumentException>(() => _factory.Create(new CameraOptions { Source = source }));

        Assert.Contains("Unknown camera source", error.Message, StringComparison.Ordinal);
        Assert.Contains("process:<command line>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("process:")]
    [InlineData("folder:  ")]
    public void Create_SchemeWithoutArgument_Throws(string source)
    {
        var error = Assert.Throws<ArgumentException>(() => _factory.Create(new CameraOptions { Source = source }));

        Assert.Contains("needs an argument", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_V4l2PathNotAVideoNode_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => _factory.Create(new CameraOptions { Source = "v4l2:/dev/ttyS0" }));

        Assert.Contains("/dev/video0", error.Message, StringComparison.Ordinal);
    }
}
