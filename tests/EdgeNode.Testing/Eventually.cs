namespace EdgeNode.Testing;

/// <summary>Waits for a condition that another process makes true (a row in its database, a file), polling it.</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}");
            }

            await Task.Delay(50);
        }
    }
}
