namespace EdgeNode.Common;

/// <summary>Draws from N(0, 1) (Box–Muller), the one Gaussian sampler of head initialisation, DP noise and test inputs.</summary>
public static class StandardNormal
{
    /// <summary>One draw, consuming two values of <paramref name="random"/> (so a seeded sequence is reproducible).</summary>
    public static double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
