using System.Diagnostics.Metrics;
using EdgeNode.Telemetry;

namespace EdgeNode.Pipeline;

/// <summary>
/// Counters and latency samples behind the telemetry message; thread-safe. With a meter factory the latencies also
/// go to the <c>edgenode.inference.duration</c> histogram of the <see cref="NodeInstruments.MeterName"/> meter.
/// </summary>
public sealed class NodeMetrics : IFrameObserver
{
    private const int Window = 512;
    private readonly double[] _latencies = new double[Window];
    private readonly long[] _inferenceTicks = new long[Window];
    private readonly Lock _gate = new();
    private long _inferences;
    private long _skipped;
    private readonly Histogram<double>? _duration;
    private int _next;
    private long _lastProcessed;

    /// <summary>Creates the metrics without instruments (tools and tests).</summary>
    public NodeMetrics()
    {
    }

    /// <summary>Creates the metrics and their histogram on <paramref name="meters"/>.</summary>
    public NodeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _duration = meters.Create(NodeInstruments.MeterName).CreateHistogram<double>(
            "edgenode.inference.duration", "ms", "Pre-processing and backbone inference per frame.");
    }

    /// <summary>Stopwatch timestamp of the last frame inferred or reused; 0 before the first.</summary>
    public long LastProcessedTimestamp => Interlocked.Read(ref _lastProcessed);

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

        Interlocked.Exchange(ref _lastProcessed, timestamp);
        _duration?.Record(latencyMs);
    }

    /// <summary>Records a frame whose cached result was reused.</summary>
    public void RecordSkipped()
    {
        Interlocked.Increment(ref _skipped);
        Interlocked.Exchange(ref _lastProcessed, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>Records a frame that could not be processed.</summary>
    public void RecordFailed()
    {
        lock (_gate)
        {
            FramesFailed++;
        }
    }

    /// <summary>Counts each frame: inferred (with its latency), reused by the change gate, or failed.</summary>
    void IFrameObserver.OnFrame(Frame frame, in FrameOutcome outcome)
    {
        switch (outcome.Result)
        {
            case null:
                RecordFailed();
                break;
            case { Cached: true }:
                RecordSkipped();
                break;
            case { } result:
                RecordInference(result.LatencyMs, outcome.CompletedTimestamp);
                break;
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
