namespace EdgeNode.Core;

/// <summary>
/// Reservoir sampling (Vitter's algorithm R): keeps a uniform sample of at most <c>capacity</c> items of a
/// stream of unknown length. Shared by the in-memory replay buffer and the SQLite sample store.
/// </summary>
public static class Reservoir
{
    /// <summary>
    /// Where the <paramref name="seen"/>-th item of a stream (1-based) goes: a slot in [0, <paramref name="capacity"/>)
    /// (the slot count when the reservoir is not yet full means "append"), or -1 to discard it.
    /// </summary>
    public static int ChooseSlot(long seen, int capacity, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seen);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentNullException.ThrowIfNull(random);
        if (seen <= capacity)
        {
            return (int)(seen - 1);
        }

        var j = random.NextInt64(seen);
        return j < capacity ? (int)j : -1;
    }
}
