namespace EdgeNode.Devices;

/// <summary>
/// Exponential back-off: <see cref="Initial"/>, then doubling up to <see cref="Max"/>.
/// One implementation serves camera restarts and sensor retries.
/// </summary>
/// <param name="Initial">Delay after the first failure.</param>
/// <param name="Max">Ceiling of the delay.</param>
public readonly record struct Backoff(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>Delay to wait after <paramref name="failures"/> consecutive failures (1 = first failure).</summary>
    public TimeSpan DelayFor(int failures)
    {
        if (failures <= 1)
        {
            return Initial;
        }

        // Cap the exponent so the shift cannot overflow; the ceiling applies long before.
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ticks = Math.Min(Initial.Ticks * factor, Max.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, Initial.Ticks));
    }
}
