namespace EdgeNode.Learning.Federated;

/// <summary>
/// Rényi-DP accountant for the sampled Gaussian mechanism (Mironov, Talwar and Zhang 2019, integer orders):
/// each round samples clients with probability q and adds Gaussian noise of std z·C to the sum of deltas clipped
/// to C. Rounds compose additively in RDP; (ε, δ) comes from the conversion of Balle et al. 2020.
/// </summary>
public sealed class RdpAccountant
{
    private static readonly int[] Orders = [.. Enumerable.Range(2, 255)];
    private readonly double[] _rdp = new double[Orders.Length];

    /// <summary>Rounds accounted so far.</summary>
    public long Rounds { get; private set; }

    /// <summary>Accounts <paramref name="rounds"/> rounds with noise multiplier <paramref name="noiseMultiplier"/> and client sampling rate <paramref name="samplingRate"/>.</summary>
    public void Compose(double noiseMultiplier, double samplingRate, long rounds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(noiseMultiplier);
        if (!(samplingRate is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        for (var i = 0; i < Orders.Length; i++)
        {
            _rdp[i] += rounds * Rdp(Orders[i], noiseMultiplier, samplingRate);
        }

        Rounds += rounds;
    }

    /// <summary>The smallest ε over the orders for which the composition so far is (ε, <paramref name="delta"/>)-DP.</summary>
    public double Epsilon(double delta)
    {
        if (!(delta is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }

        var best = double.PositiveInfinity;
        for (var i = 0; i < Orders.Length; i++)
        {
            double a = Orders[i];
            var eps = _rdp[i] + Math.Log((a - 1) / a) - ((Math.Log(delta) + Math.Log(a)) / (a - 1));
            best = Math.Min(best, Math.Max(0, eps));
        }

        return best;
    }

    /// <summary>RDP of one sampled Gaussian step at integer order <paramref name="alpha"/>.</summary>
    internal static double Rdp(int alpha, double sigma, double q)
    {
        if (q >= 1)
        {
            return alpha / (2 * sigma * sigma);
        }

        // log A_α = log Σ_k C(α,k) (1−q)^(α−k) q^k exp((k²−k)/(2σ²)), summed in log space.
        var logTerms = new double[alpha + 1];
        for (var k = 0; k <= alpha; k++)
        {
            logTerms[k] = LogBinomial(alpha, k) + ((alpha - k) * Math.Log(1 - q)) + (k * Math.Log(q)) + ((((double)k * k) - k) / (2 * sigma * sigma));
        }

        var max = logTerms.Max();
        var sum = logTerms.Sum(t => Math.Exp(t - max));
        return (max + Math.Log(sum)) / (alpha - 1);
    }

    private static double LogBinomial(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (var i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }
}
