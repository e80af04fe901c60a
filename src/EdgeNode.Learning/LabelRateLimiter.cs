namespace EdgeNode.Learning;

/// <summary>Token bucket on a <see cref="TimeProvider"/>: a burst of <c>burst</c> labels, refilled at <c>perMinute</c>.</summary>
public sealed class LabelRateLimiter
{
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _last;

    /// <summary>Creates a full bucket.</summary>
    public LabelRateLimiter(TimeProvider time, double perMinute, int burst)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        _perSecond = perMinute / 60;
        _burst = burst;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    /// <summary>Takes one token; false when the bucket is empty (the caller rejects the label).</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
