using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Inference.Updates;
using EdgeNode.Learning;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>
/// A model updater on real files: a data folder with trusted keys, <c>incoming/</c>, <c>models/</c>, four kept frames,
/// the real ResNet18 models and ONNX Runtime.
/// </summary>
internal sealed class UpdaterRig : IDisposable
{
    public static readonly InferenceOptions Inference = new() { ModelsPath = RepoPaths.ModelsDirectory, Providers = ["CPU"], IntraOpThreads = "1", WarmupRuns = 1 };

    public UpdaterRig()
    {
        var random = new Random(11);
        for (var i = 0; i < 4; i++)
        {
            var rgb = new byte[320 * 240 * 3];
            random.NextBytes(rgb);
            using var frame = Frame.Copy(i, DateTimeOffset.UnixEpoch.AddSeconds(i), 320, 240, FrameFormat.Rgb24, rgb);
            Frames.Update(frame);
        }

        Publisher.Trust(Dir.File("keys"));
        Directory.CreateDirectory(Incoming);
        File.Copy(Int8, Staged);
    }

    public static string Int8 => Path.Combine(RepoPaths.ModelsDirectory, "resnet18-int8.onnx");

    public TempDirectory Dir { get; } = new();

    public Publisher Publisher { get; } = new();

    public LastFrame Frames { get; } = new(4, TimeSpan.Zero);

    public string ModelsDirectory => Dir.File("models");

    public string Incoming => Dir.File("incoming");

    /// <summary>The packaged int8 model copied into <c>incoming/</c>, where installs read it.</summary>
    public string Staged => Path.Combine(Incoming, "resnet18-int8.onnx");

    public ModelUpdater Start(ModelUpdateOptions? options = null)
    {
        // No pipeline runs here: swaps are not health-checked unless a test drives the inferences itself.
        options ??= new ModelUpdateOptions { HealthCheckInferences = 0 };
        var keys = TrustedModelKeys.Load([Dir.File("keys")], optional: false);
        var store = new InstalledModels(ModelsDirectory, Inference, NullLogger.Instance);
        return ModelUpdater.Start(store, keys, Frames, new ActiveHead(), options, Inference, TimeProvider.System, NullLogger.Instance, new IncomingFolder(Incoming));
    }

    /// <summary>Writes a changed copy of the int8 model into <c>incoming/</c>.</summary>
    public string Copy(string name, Func<byte[], byte[]> change)
    {
        var path = Path.Combine(Incoming, name);
        File.WriteAllBytes(path, change(File.ReadAllBytes(Int8)));
        return path;
    }

    /// <summary>A listing of every file under the data folder with its length, to show that nothing changed.</summary>
    public string[] Listing() => [.. Directory.GetFiles(Dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length}")];

    public void Dispose()
    {
        Publisher.Dispose();
        Dir.Dispose();
    }
}
