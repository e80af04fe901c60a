namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// Oracle approximating shrinkage (Chen, Wiesel, Eldar and Hero 2010, eq. 23): the weight ρ of the target
/// (tr S / p)·I in (1 − ρ)·S + ρ·(tr S / p)·I, in closed form from tr S, tr S² and the sample count, so the
/// shrinkage is chosen by the data, never by a tuned constant. Unlike Ledoit–Wolf it needs no per-sample
/// fourth moments, which sufficient statistics do not keep.
/// </summary>
public static class OasShrinkage
{
    /// <summary>ρ ∈ [0, 1] for a p×p sample covariance with trace <paramref name="trace"/>, ‖S‖²_F = <paramref name="traceOfSquare"/>, from <paramref name="samples"/> samples.</summary>
    public static double Weight(double trace, double traceOfSquare, int dimension, double samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (!(samples > 0) || !(trace > 0))
        {
            // No spread left to estimate a covariance from (one sample per class): the target alone.
            return 1;
        }

        double p = dimension;
        var numerator = ((1 - (2 / p)) * traceOfSquare) + (trace * trace);
        var denominator = (samples + 1 - (2 / p)) * (traceOfSquare - (trace * trace / p));
        return denominator <= 0 ? 1 : Math.Clamp(numerator / denominator, 0, 1);
    }
}
