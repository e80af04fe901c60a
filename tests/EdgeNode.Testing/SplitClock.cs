namespace EdgeNode.Testing;

/// <summary>
/// A clock whose wall time and monotonic time move separately, as on a board whose NTP sync or RTC correction jumps
/// the wall clock: <see cref="JumpWall"/> changes only <see cref="GetUtcNow"/>, <see cref="Advance"/> both.
/// </summary>
public sealed class SplitClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _wall = start;
    private long _ticks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _wall;

    /// <inheritdoc />
    public override long GetTimestamp() => _ticks;

    /// <summary>Time passes: both clocks move.</summary>
    public void Advance(TimeSpan by)
    {
        _wall += by;
        _ticks += by.Ticks;
    }

    /// <summary>The wall clock is set (forward or back); no time passes.</summary>
    public void JumpWall(TimeSpan by) => _wall += by;
}
