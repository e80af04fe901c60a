using Xunit;

namespace EdgeNode.Testing;

/// <summary>
/// Waits for a condition that background work or another process makes true (a row in its database, a count), polling
/// it; the limit is a hang guard, not a timing assertion.
/// </summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="limit"/> (30 s unless given).</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var wait = limit ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within {wait.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(10);
        }
    }
}
