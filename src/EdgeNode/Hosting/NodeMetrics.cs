namespace EdgeNode.Hosting;

/// <summary>Counters and latency samples behind the telemetry message; thread-safe.</summary>
public sealed class NodeMetrics
{
    private const int Window = 512;
    private readonly double[] _latencies = new double[Window];
    private readonly long[] _inferenceTicks = new long[Window];
    private readonly Lock _gate = new();
    private long _inferences;
    private long _skipped;
    private int _next;

    /// <summary>Inferences run (not counting change-gate reuses).</summary>
    public long Inferences => Interlocked.Read(ref _inferences);

    /// <summary>Frames whose result the change gate reused.</summary>
    public long FramesSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Frames that failed pre-processing or inference.</summary>
    public long FramesFailed { get; private set; }

    /// <summary>Records one inference taking <paramref name="latencyMs"/>, finished at <paramref name="timestamp"/> (Stopwatch ticks).</summary>
    public void RecordInference(double latencyMs, long timestamp)
    {
        lock (_gate)
        {
            _latencies[_next] = latencyMs;
            _inferenceTicks[_next] = timestamp;
            _next = (_next + 1) % Window;
            _inferences++;
        }
    }

    /// <summary>Records a frame whose cached result was reused.</summary>
    public void RecordSkipped() => Interlocked.Increment(ref _skipped);

    /// <summary>Records a frame that could not be processed.</summary>
    public void RecordFailed()
    {
        lock (_gate)
        {
            FramesFailed++;
        }
    }

    /// <summary>p50 and p95 latency of the last inferences, and the inference rate over the last <paramref name="window"/>.</summary>
    public (double P50, double P95, double Fps) Snapshot(long nowTimestamp, TimeSpan window)
    {
        double[] latencies;
        var recent = 0;
        lock (_gate)
        {
            var count = (int)Math.Min(_inferences, Window);
            latencies = new double[count];
            Array.Copy(_latencies, latencies, count);
            var since = nowTimestamp - (long)(window.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            for (var i = 0; i < count; i++)
            {
                if (_inferenceTicks[i] >= since)
                {
                    recent++;
                }
            }
        }

        if (latencies.Length == 0)
        {
            return (0, 0, 0);
        }

        Array.Sort(latencies);
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.95), recent / window.TotalSeconds);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
