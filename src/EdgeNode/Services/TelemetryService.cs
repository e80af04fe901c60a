using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Services;

/// <summary>Publishes <c>{prefix}/{node}/telemetry</c> every <c>EdgeNode:Telemetry:IntervalSeconds</c> (QoS 0, live only).</summary>
internal sealed partial class TelemetryService(
    IMessageBus bus,
    IOutboxStore store,
    IInferenceEngine engine,
    IFrameSource source,
    CaptureCounters capture,
    FrameChannel channel,
    NodeMetrics metrics,
    SensorService sensors,
    NodeIdentity identity,
    IOptionsMonitor<TelemetryOptions> options,
    TimeProvider time,
    ILogger<TelemetryService> logger) : BackgroundService
{
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Builds one telemetry message.</summary>
    public async Task<byte[]> BuildAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds);
        var now = Stopwatch.GetTimestamp();
        var (p50, p95, fps) = metrics.Snapshot(now, TimeSpan.FromTicks(Math.Max(interval.Ticks, TimeSpan.FromSeconds(5).Ticks)));
        var outbox = await store.GetStatsAsync(cancellationToken);
        var utcNow = time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ts", ResultJson.FormatTimestamp(utcNow));
            w.WriteString("node", identity.NodeId);
            w.WriteNumber("uptimeS", Math.Round(Stopwatch.GetElapsedTime(_started, now).TotalSeconds, 1));
            w.WriteString("camera", source.Name);
            w.WriteNumber("framesIn", capture.FramesCaptured);
            w.WriteNumber("framesDropped", channel.DroppedFrames);
            w.WriteNumber("framesSkipped", metrics.FramesSkipped);
            w.WriteNumber("framesFailed", metrics.FramesFailed + capture.CorruptFrames);
            w.WriteNumber("captureRestarts", capture.Restarts);
            w.WriteNumber("queueDepth", channel.Count);
            w.WriteNumber("inferences", metrics.Inferences);
            w.WriteNumber("fps", Math.Round(fps, 2));
            w.WriteNumber("latencyP50Ms", Math.Round(p50, 2));
            w.WriteNumber("latencyP95Ms", Math.Round(p95, 2));
            var model = engine.Model;
            w.WriteString("model", model.Id);
            if (model.Version is null)
            {
                w.WriteNull("modelVersion");
            }
            else
            {
                w.WriteString("modelVersion", model.Version);
            }

            w.WriteString("executionProvider", model.ExecutionProvider);
            w.WriteNumber("outboxDepth", outbox.Pending);
            w.WriteNumber("oldestPendingAgeS", outbox.OldestPending is { } oldest ? Math.Round((utcNow - oldest).TotalSeconds, 1) : 0);
            w.WriteNumber("outboxDropped", outbox.Dropped);
            w.WriteStartArray("sensorsFailing");
            foreach (var failing in sensors.Status.Where(x => x.ConsecutiveFailures > 0))
            {
                w.WriteStringValue(failing.Sensor);
            }

            w.WriteEndArray();
            w.WriteBoolean("storageFull", outbox.StorageFull);
            w.WriteNumber("storageWriteFailures", outbox.WriteFailures);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Live: the config command may change the interval.
                timer.Period = TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds);
                if (!bus.IsConnected)
                {
                    continue;
                }

                try
                {
                    var payload = await BuildAsync(stoppingToken);
                    await bus.PublishAsync(new BusMessage(identity.Topics.Telemetry, payload, 0), stoppingToken);
                }
                catch (MessageBusException ex)
                {
                    LogTelemetryFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Telemetry not published: {Reason}")]
    private static partial void LogTelemetryFailed(ILogger logger, string reason);
}
