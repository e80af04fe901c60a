using EdgeNode.Pipeline;

namespace EdgeNode.Telemetry;

/// <summary>
/// The latest inference result and sensor readings, for live views that are not the outbox (the Sparkplug metrics).
/// Wakes its reader on every sensor read and on a change of the predicted label, not on every frame.
/// </summary>
public sealed class LiveValues : IFrameObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Sensor, string Quantity), SensorReading> _readings = [];
    private readonly WakeSignal _changed = new();
    private InferenceResult? _result;

    /// <summary>The latest inference result; null before the first.</summary>
    public InferenceResult? LastResult
    {
        get
        {
            lock (_gate)
            {
                return _result;
            }
        }
    }

    /// <summary>The latest reading of <paramref name="sensor"/>'s <paramref name="quantity"/>; null before the first.</summary>
    public SensorReading? Reading(string sensor, string quantity)
    {
        lock (_gate)
        {
            return _readings.GetValueOrDefault((sensor, quantity));
        }
    }

    /// <summary>Records an inference result; signals when its label differs from the previous one.</summary>
    public void Report(InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool labelChanged;
        lock (_gate)
        {
            labelChanged = _result is null || !string.Equals(_result.Label, result.Label, StringComparison.Ordinal);
            _result = result;
        }

        if (labelChanged)
        {
            Signal();
        }
    }

    /// <summary>Records each frame's result.</summary>
    void IFrameObserver.OnFrame(Frame frame, in FrameOutcome outcome)
    {
        if (outcome.Result is { } result)
        {
            Report(result);
        }
    }

    /// <summary>Records the readings of one poll and signals.</summary>
    public void Report(IReadOnlyList<SensorReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        lock (_gate)
        {
            foreach (var reading in readings)
            {
                _readings[(reading.Sensor, reading.Quantity)] = reading;
            }
        }

        Signal();
    }

    /// <summary>Wakes the reader (also used for work of its own, such as a requested rebirth).</summary>
    public void Signal() => _changed.Set();

    /// <summary>Waits for a signal or <paramref name="timeout"/>; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _changed.Dispose();
}
