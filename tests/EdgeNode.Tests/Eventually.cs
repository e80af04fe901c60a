namespace EdgeNode.Tests;

/// <summary>Waits for a condition that background work makes true; the limit is a hang guard, not a timing assert.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail("Not reached within 30 s: " + what);
            }

            await Task.Delay(10);
        }
    }
}
