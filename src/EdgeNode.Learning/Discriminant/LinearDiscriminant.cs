using System.Buffers;
using System.Numerics.Tensors;

namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// Turns <see cref="DiscriminantStatistics"/> into a linear head: shared-covariance Gaussian classes (LDA) with
/// OAS shrinkage, solved by Cholesky. The result is an ordinary logistic-regression <see cref="HeadModel"/>
/// (standardisation + W, b), so it is saved, gated, rolled back, exported and federated like any head, and a
/// softmax head can continue training from it.
/// </summary>
/// <remarks>
/// In the standardised space (mean and scale from the statistics' own totals): Σ = D·S_w·D / (N − C) with
/// S_w = Σ xxᵀ − Σ_c s_c s_cᵀ / n_c, shrunk towards (tr Σ / p)·I; then W_c = Σ⁻¹ μ_c and
/// b_c = −½ μ_cᵀ Σ⁻¹ μ_c + ln(n_c / N). Softmax of W x + b is the posterior of that Gaussian model.
/// Cost O(C·d² + d³/3); classes without samples get no output.
/// </remarks>
public static class LinearDiscriminant
{
    // As FeatureScaler: a feature that never varies keeps unit scale instead of exploding.
    private const double MinStd = 1e-3;

    /// <summary>Fits the head; see the remarks.</summary>
    /// <exception cref="ArgumentException">Fewer than one class with samples.</exception>
    public static HeadModel Fit(DiscriminantStatistics statistics) => Fit(statistics, out _);

    /// <summary>Fits the head and reports the shrinkage it chose.</summary>
    /// <exception cref="ArgumentException">No class with samples, or non-finite statistics.</exception>
    public static HeadModel Fit(DiscriminantStatistics statistics, out DiscriminantReport report)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var d = statistics.Dimension;
        var present = Enumerable.Range(0, statistics.Classes.Count).Where(c => statistics.CountOf(c) > 0).ToArray();
        if (present.Length == 0)
        {
            throw new ArgumentException("The statistics hold no samples.", nameof(statistics));
        }

        var n = present.Sum(statistics.CountOf);
        var mean = new double[d];
        foreach (var c in present)
        {
            TensorPrimitives.Add(mean, statistics.SumOf(c), mean);
        }

        TensorPrimitives.Divide(mean, n, mean);
        var m2 = statistics.SecondMoment;
        var invStd = new double[d];
        for (var j = 0; j < d; j++)
        {
            var variance = (m2[(j * d) + j] / n) - (mean[j] * mean[j]);
            invStd[j] = 1 / Math.Max(MinStd, Math.Sqrt(Math.Max(0, variance)));
        }

        var sigma = ArrayPool<double>.Shared.Rent(d * d);
        try
        {
            var a = sigma.AsSpan(0, d * d);
            var freedom = n - present.Length;
            report = new DiscriminantReport(Covariance(statistics, present, invStd, freedom, a), freedom, present.Length);
            Cholesky.Factor(a, d);
            return Solve(statistics, present, mean, invStd, n, a);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sigma);
        }
    }

    /// <summary>Writes the shrunk standardised within-class covariance (lower triangle) to <paramref name="a"/>; returns ρ.</summary>
    private static double Covariance(DiscriminantStatistics s, int[] present, double[] invStd, double freedom, Span<double> a)
    {
        var d = s.Dimension;
        s.SecondMoment.CopyTo(a);
        var scaled = new double[d];
        foreach (var c in present)
        {
            // S_w = Σ xxᵀ − Σ_c s_c s_cᵀ / n_c, upper triangle only.
            var sum = s.SumOf(c);
            TensorPrimitives.Divide(sum, -s.CountOf(c), scaled);
            for (var i = 0; i < d; i++)
            {
                var row = a.Slice((i * d) + i, d - i);
                TensorPrimitives.MultiplyAdd(sum[i..], scaled[i], row, row);
            }
        }

        // Standardise, divide by the degrees of freedom, mirror into the lower triangle; collect tr Σ and ‖Σ‖²_F.
        var divisor = freedom > 0 ? freedom : 1;
        double trace = 0, square = 0;
        for (var i = 0; i < d; i++)
        {
            for (var j = i; j < d; j++)
            {
                var v = a[(i * d) + j] * invStd[i] * invStd[j] / divisor;
                a[(j * d) + i] = v;
                square += i == j ? v * v : 2 * v * v;
            }

            trace += a[(i * d) + i];
        }

        if (!double.IsFinite(trace) || !double.IsFinite(square))
        {
            throw new ArgumentException("The statistics hold NaN or infinite values.", nameof(s));
        }

        var rho = freedom > 0 ? OasShrinkage.Weight(trace, square, d, freedom) : 1;
        // With no spread at all (one sample per class) the target's scale is that of the standardised features, 1.
        var target = trace > 0 ? trace / d : 1;
        for (var i = 0; i < d; i++)
        {
            var row = a.Slice(i * d, i + 1);
            TensorPrimitives.Multiply(row, 1 - rho, row);
            row[i] += rho * target;
        }

        return rho;
    }

    private static HeadModel Solve(DiscriminantStatistics s, int[] present, double[] mean, double[] invStd, double n, ReadOnlySpan<double> l)
    {
        var d = s.Dimension;
        var parameters = new float[present.Length * (d + 1)];
        var mu = new double[d];
        var w = new double[d];
        for (var k = 0; k < present.Length; k++)
        {
            var c = present[k];
            TensorPrimitives.Divide(s.SumOf(c), s.CountOf(c), mu);
            TensorPrimitives.Subtract(mu, mean, mu);
            TensorPrimitives.Multiply(mu, invStd, mu);
            mu.CopyTo(w, 0);
            Cholesky.Solve(l, d, w);
            TensorPrimitives.ConvertTruncating<double, float>(w, parameters.AsSpan(k * d, d));
            parameters[(present.Length * d) + k] = (float)((-0.5 * TensorPrimitives.Dot<double>(mu, w)) + Math.Log(s.CountOf(c) / n));
        }

        var scaler = new FeatureScaler(Array.ConvertAll(mean, v => (float)v), Array.ConvertAll(invStd, v => (float)v));
        return new HeadModel(d, 0, present.Select(c => s.Classes[c]), scaler, parameters);
    }
}
