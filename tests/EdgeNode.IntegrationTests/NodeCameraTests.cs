using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>The node with real camera sources: an ffmpeg MJPEG pipe and a replayed folder.</summary>
public sealed class NodeCameraTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task ProcessSource_FfmpegTestPattern_EveryFrameInferredWithGateOff()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-ffmpeg/#");
        var env = NodeEnvironment.For("it-ffmpeg", broker.Port, _dir.File("edgenode.db"));
        env["EdgeNode__Camera__Source"] = "process:ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x480:rate=15 -f mjpeg -q:v 5 -";
        env["EdgeNode__ChangeGate__Enabled"] = "false";
        await using var node = NodeProcess.Start(_dir.Path, env);

        var messages = await probe.WaitUntilAsync(m => m.Count(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)) >= 10 && m.Any(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)), Startup, "results from the ffmpeg camera");

        var results = messages.Where(m => m.Topic.EndsWith("/results", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.All(results, r => Assert.False(r.GetProperty("cached").GetBoolean()));
        var frames = results.Select(r => r.GetProperty("frameSeq").GetInt64()).ToList();
        Assert.Equal(frames.Order(), frames);
        var telemetry = JsonDocument.Parse(messages.Last(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Payload).RootElement;
        Assert.StartsWith("process:", telemetry.GetProperty("camera").GetString(), StringComparison.Ordinal);
        Assert.True(telemetry.GetProperty("framesIn").GetInt64() > 0);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task FolderSource_StaticImage_ChangeGateReusesTheCachedResult()
    {
        var images = Directory.CreateDirectory(_dir.File("images")).FullName;
        await CreateJpegAsync(Path.Combine(images, "still.jpg"));
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-gate/results");
        var env = NodeEnvironment.For("it-gate", broker.Port, _dir.File("edgenode.db"));
        env["EdgeNode__Camera__Source"] = "folder:" + images;
        env["EdgeNode__Camera__FramesPerSecond"] = "5";
        await using var node = NodeProcess.Start(_dir.Path, env);

        var messages = await probe.WaitUntilAsync(m => m.Count >= 6, Startup, "results from the folder camera");

        var cached = messages.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("cached").GetBoolean()).ToList();
        Assert.False(cached[0]);
        Assert.Contains(true, cached.Skip(1));
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    public void Dispose() => _dir.Dispose();

    private static async Task CreateJpegAsync(string path)
    {
        // One frame of ffmpeg's test pattern, the same encoder a camera pipe would use.
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "-y", path]) { RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
