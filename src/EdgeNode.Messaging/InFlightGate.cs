namespace EdgeNode.Messaging;

/// <summary>
/// Holds one connection's QoS 1/2 publishes that await their acknowledgement to the broker's Receive Maximum (MQTT v5
/// §3.3.4: a client that sends more is disconnected with 0x93 by EMQX and HiveMQ; mosquitto tolerates it). The outbox
/// lanes keep their own windows inside it; this gate covers every sender together (telemetry, events, Home Assistant
/// discovery, command replies), so a burst of them cannot push the connection past the broker's window. Waiters enter in
/// arrival order; a cancelled waiter takes no place.
/// </summary>
internal sealed class InFlightGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _limit = ushort.MaxValue;
    private int _inFlight;
    private int _peak;

    /// <summary>The most publishes that may await their acknowledgement at once (65,535 until a CONNACK says otherwise).</summary>
    public int Limit => Volatile.Read(ref _limit);

    /// <summary>Publishes awaiting their acknowledgement now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most publishes that awaited their acknowledgement at once since start.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Sets the limit, the Receive Maximum of the broker's last CONNACK (at least 1); a higher one lets waiters in.</summary>
    public void SetLimit(int limit)
    {
        lock (_lock)
        {
            _limit = Math.Max(1, limit);
            WakeLocked();
        }
    }

    /// <summary>
    /// Completes when this publish may be sent; pair with <see cref="Exit"/> once it is acknowledged or failed. A publish
    /// that is not <paramref name="acknowledged"/> (QoS 0) passes at once and holds no place.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting.</exception>
    public Task EnterAsync(bool acknowledged, CancellationToken cancellationToken)
    {
        if (!acknowledged)
        {
            return Task.CompletedTask;
        }

        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _inFlight < _limit)
            {
                Entered();
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return waiter.Task;
        }

        // A waiter cancelled before its turn is skipped when its turn comes (TrySetResult fails), so it holds no place.
        var registration = cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter);
        _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return waiter.Task;
    }

    /// <summary>Gives the place of an acknowledged (or failed) publish to the next waiter; nothing for a QoS 0 one.</summary>
    public void Exit(bool acknowledged)
    {
        if (!acknowledged)
        {
            return;
        }

        lock (_lock)
        {
            _inFlight = Math.Max(0, _inFlight - 1);
            WakeLocked();
        }
    }

    private void WakeLocked()
    {
        while (_inFlight < _limit && _waiting.TryDequeue(out var next))
        {
            if (next.TrySetResult())
            {
                Entered();
            }
        }
    }

    private void Entered()
    {
        _inFlight++;
        _peak = Math.Max(_peak, _inFlight);
    }
}
