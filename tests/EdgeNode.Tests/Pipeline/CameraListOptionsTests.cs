using EdgeNode.Hosting;
using EdgeNode.Pipeline;
using EdgeNode.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Pipeline;

/// <summary>The camera list read from configuration: the list form, the one-camera form, and the errors, each naming its key.</summary>
public sealed class CameraListOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Read_List_EachCameraWithItsOwnGateOverTheNodes()
    {
        var options = Read(new()
        {
            ["EdgeNode:ChangeGate:Threshold"] = "3",
            ["EdgeNode:Cameras:0:Name"] = "door",
            ["EdgeNode:Cameras:0:Source"] = "synthetic",
            ["EdgeNode:Cameras:0:Width"] = "320",
            ["EdgeNode:Cameras:1:Name"] = "yard",
            ["EdgeNode:Cameras:1:Source"] = "folder:/srv/images",
            ["EdgeNode:Cameras:1:ChangeGate:Enabled"] = "false",
            ["EdgeNode:Cameras:1:Region:Width"] = "100",
            ["EdgeNode:Cameras:1:Region:Height"] = "50",
        });

        Assert.Empty(options.Failures);
        Assert.Equal(["door", "yard"], options.Cameras.Select(c => c.Name));
        Assert.Equal(320, options.Cameras[0].Camera.Width);
        Assert.Equal(3, options.Cameras[1].Gate.Threshold);
        Assert.True(options.Cameras[0].Gate.Enabled);
        Assert.False(options.Cameras[1].Gate.Enabled);
        Assert.Null(options.Cameras[0].Region);
        Assert.Equal(100, options.Cameras[1].Region!.Width);
    }

    [Fact]
    public void Read_NoList_IsTheOneCameraForm()
    {
        var options = Read(new() { ["EdgeNode:Camera:Source"] = "synthetic", ["EdgeNode:Camera:FramesPerSecond"] = "5" });

        var camera = Assert.Single(options.Cameras);
        Assert.Equal("camera", camera.Name);
        Assert.Equal(5, camera.Camera.FramesPerSecond);
        Assert.Empty(options.Failures);
    }

    [Fact]
    public void Read_DuplicateNames_FailsNamingTheSecondKey()
    {
        var options = Read(new()
        {
            ["EdgeNode:Cameras:0:Name"] = "door",
            ["EdgeNode:Cameras:0:Source"] = "synthetic",
            ["EdgeNode:Cameras:1:Name"] = "Door",
            ["EdgeNode:Cameras:1:Source"] = "synthetic",
        });

        var failure = Assert.Single(options.Failures);
        Assert.StartsWith("EdgeNode:Cameras:1:Name (EdgeNode__Cameras__1__Name): ", failure, StringComparison.Ordinal);
        Assert.Contains("EdgeNode:Cameras:0", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EntryWithoutSource_FailsNamingItsSourceKeyInsteadOfDefaultingToSynthetic()
    {
        var options = Read(new() { ["EdgeNode:Cameras:0:Name"] = "door", ["EdgeNode:Cameras:0:Width"] = "320" });

        Assert.StartsWith("EdgeNode:Cameras:0:Source (EdgeNode__Cameras__0__Source): ", Assert.Single(options.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OutOfRangeValue_FailsNamingTheListKey()
    {
        var options = Read(new() { ["EdgeNode:Cameras:0:Name"] = "door", ["EdgeNode:Cameras:0:Source"] = "synthetic", ["EdgeNode:Cameras:0:Width"] = "2" });

        Assert.StartsWith("EdgeNode:Cameras:0:Width (EdgeNode__Cameras__0__Width): ", Assert.Single(options.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InvalidList_FailsValidationBeforeAnythingIsCreated()
    {
        using var host = NodeHost.Build(["--EdgeNode:Storage:Path=" + _dir.File("edgenode.db"), "--EdgeNode:Cameras:0:Name=a", "--EdgeNode:Cameras:1:Name=a", "--EdgeNode:Cameras:1:Source=synthetic"]);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<CameraListOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("EdgeNode:Cameras:0:Source (EdgeNode__Cameras__0__Source): ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("EdgeNode:Cameras:1:Name (EdgeNode__Cameras__1__Name): ", StringComparison.Ordinal));
        Assert.False(File.Exists(_dir.File("edgenode.db")), "validation opened the database");
    }

    public void Dispose() => _dir.Dispose();

    private static CameraListOptions Read(Dictionary<string, string?> values)
    {
        var options = new CameraListOptions();
        options.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return options;
    }
}
