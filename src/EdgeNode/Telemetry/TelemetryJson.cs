using EdgeNode.Health;
using EdgeNode.Outbox;

namespace EdgeNode.Telemetry;

/// <summary>The <c>telemetry</c> message (docs/mqtt.md): a <see cref="TelemetrySnapshot"/> as JSON.</summary>
internal static class TelemetryJson
{
    private const double MiB = 1024 * 1024;

    /// <summary>The whole message: the envelope (<c>ts</c>, <c>node</c>; no <c>id</c> or <c>seq</c>, it is not stored), then the snapshot.</summary>
    public static byte[] Serialize(TelemetrySnapshot t, string nodeId, HealthState? health) =>
        MessageEnvelope.Serialize(new Envelope(null, t.Timestamp, null, nodeId), (t, health), static (w, s) => WriteBody(w, s.t, s.health));

    private static void WriteBody(Utf8JsonWriter w, TelemetrySnapshot t, HealthState? health)
    {
        w.WriteNumber("uptimeS", Math.Round(t.UptimeSeconds, 1));
        w.WriteString("camera", t.Camera);
        w.WriteNumber("framesIn", t.FramesIn);
        w.WriteNumber("framesDropped", t.FramesDropped);
        w.WriteNumber("framesSkipped", t.FramesSkipped);
        w.WriteNumber("framesFailed", t.FramesFailed);
        w.WriteNumber("captureRestarts", t.CaptureRestarts);
        w.WriteNumber("queueDepth", t.QueueDepth);
        w.WriteNumber("inferences", t.Inferences);
        w.WriteNumber("fps", Math.Round(t.Fps, 2));
        w.WriteNumber("latencyP50Ms", Math.Round(t.LatencyP50Ms, 2));
        w.WriteNumber("latencyP95Ms", Math.Round(t.LatencyP95Ms, 2));
        w.WriteString("model", t.Model);
        if (t.ModelVersion is null)
        {
            w.WriteNull("modelVersion");
        }
        else
        {
            w.WriteString("modelVersion", t.ModelVersion);
        }

        w.WriteString("executionProvider", t.ExecutionProvider);
        WriteNullable(w, "headVersion", t.HeadVersion);
        w.WriteNumber("outboxDepth", t.OutboxDepth);
        w.WriteNumber("oldestPendingAgeS", Math.Round(t.OldestPendingAgeSeconds, 1));
        w.WriteNumber("outboxDropped", t.OutboxDropped);
        w.WriteStartArray("sensorsFailing");
        foreach (var failing in t.SensorsFailing)
        {
            w.WriteStringValue(failing);
        }

        w.WriteEndArray();
        if (t.Region is { } region)
        {
            w.WriteStartObject("region");
            w.WriteNumber("x", region.X);
            w.WriteNumber("y", region.Y);
            w.WriteNumber("width", region.Width);
            w.WriteNumber("height", region.Height);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("region");
        }

        w.WriteBoolean("storageFull", t.StorageFull);
        w.WriteNumber("storageWriteFailures", t.StorageWriteFailures);
        w.WriteNumber("storageDamagedBatches", t.StorageDamagedBatches);
        w.WriteNumber("storageDamageLost", t.StorageDamageLost);
        w.WriteNumber("deadLettered", t.DeadLettered);
        WritePipeline(w, t);
        var s = t.System;
        WriteNullable(w, "cpuPercent", Round(s.CpuPercent, 1));
        WriteNullable(w, "loadAvg1", Round(s.LoadAverage1, 2));
        WriteNullable(w, "memUsedPercent", Round(s.MemoryUsedPercent, 1));
        WriteNullable(w, "memAvailableMiB", Round(s.MemoryAvailableBytes / MiB, 1));
        w.WriteNumber("rssMiB", Math.Round(s.ProcessRssBytes / MiB, 1));
        WriteNullable(w, "socTempC", Round(s.SocTemperatureC, 1));
        if (s.Throttled is { } throttled)
        {
            w.WriteBoolean("throttled", throttled);
        }
        else
        {
            w.WriteNull("throttled");
        }

        WriteNullable(w, "throttledFlags", s.ThrottledFlags);
        if (health is not null)
        {
            w.WriteString("health", health.Status);
            w.WriteStartArray("healthFailing");
            foreach (var name in health.Failing)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
        }
    }

    private static void WritePipeline(Utf8JsonWriter w, TelemetrySnapshot t)
    {
        w.WriteStartArray("cameras");
        foreach (var c in t.Cameras)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("source", c.Source);
            w.WriteBoolean("running", c.Running);
            w.WriteNumber("framesIn", c.FramesIn);
            w.WriteNumber("framesDropped", c.FramesDropped);
            w.WriteNumber("inferences", c.Inferences);
            w.WriteNumber("framesSkipped", c.FramesSkipped);
            w.WriteNumber("framesFailed", c.FramesFailed);
            w.WriteNumber("captureRestarts", c.CaptureRestarts);
            w.WriteNumber("queueDepth", c.QueueDepth);
            w.WriteNumber("fps", Math.Round(c.Fps, 2));
            w.WriteNumber("latencyP95Ms", Math.Round(c.LatencyP95Ms, 2));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (t.Threads is { } threads)
        {
            w.WriteNumber("intraOpThreads", threads.Threads);
            w.WriteBoolean("intraOpThreadsTuned", threads.Tuned);
            w.WriteStartArray("threadTimingsMs");
            foreach (var ms in threads.MeanMsByThreads)
            {
                w.WriteNumberValue(ms);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("intraOpThreads");
        }

        w.WriteNumber("maxBatch", t.MaxBatch);
        if (t.Split is { } split)
        {
            // "split": "active" | "degraded" (head), "serving" (tail); the counts say how many frames went where.
            w.WriteString("split", split.Mode);
            w.WriteString("splitPeer", split.Peer);
            w.WriteString("splitReason", split.Reason);
            w.WriteNumber("splitRemoteFrames", split.RemoteFrames);
            w.WriteNumber("splitLocalFrames", split.LocalFrames);
            w.WriteNumber("splitCachedFrames", split.CachedFrames);
            w.WriteNumber("splitTailFrames", split.TailFrames);
            w.WriteNumber("splitStreams", split.Streams);
        }

        w.WriteNumber("allocatedBytesPerFrame", Math.Round(t.AllocatedBytesPerFrame, 1));
        w.WriteNumber("gen0Per1000Frames", Math.Round(t.Gen0Per1000Frames, 2));
    }

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
