using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using EdgeNode.Tests.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Pipeline;

/// <summary>What the pipeline-service tests share: a fake camera's lane, the stored results, an options monitor.</summary>
internal static class PipelineRig
{
    /// <summary>An uncapped lane over <paramref name="camera"/> with the change gate off and no region.</summary>
    public static CameraLane Lane(FakeCamera camera) =>
        new(camera.Name, camera, new CaptureCounters(), new ChangeGate(Options.Create(new ChangeGateOptions { Enabled = false })), FrameRegion.Fixed(null), uncapped: true);

    /// <summary>The results in the outbox, in seq order.</summary>
    public static async Task<List<JsonElement>> Stored(OutboxHarness outbox)
    {
        var messages = await outbox.Store.ReadPendingAsync(0, 100, CancellationToken.None);
        return [.. messages.Where(m => m.Kind == MessageKind.Result).Select(m => JsonDocument.Parse(m.Payload).RootElement)];
    }

    /// <summary>A monitor of default <typeparamref name="T"/> options.</summary>
    /// <summary>A frame processor on <paramref name="engine"/> with no observers, no trained head and default predictions.</summary>
    public static FrameProcessor Processor(IInferenceEngine engine, InferenceActivity activity) =>
        new(engine, new ActiveHead(), activity, [], new PredictionPolicy(Monitor<PredictionOptions>()), TimeProvider.System, NullLogger<FrameProcessor>.Instance);

    public static OptionsMonitor<T> Monitor<T>()
        where T : class =>
        new(new OptionsFactory<T>([], []), [], new OptionsCache<T>());
}
