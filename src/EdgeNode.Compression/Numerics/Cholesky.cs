using System.Numerics.Tensors;

namespace EdgeNode.Compression.Numerics;

/// <summary>
/// Cholesky factors of symmetric positive-definite matrices (row-major, double precision): the normal equations of
/// the pruning refit and GPTQ's inverse Hessian. Rows are contiguous so every inner sum is one vectorised dot product.
/// </summary>
internal static class Cholesky
{
    /// <summary>
    /// The lower factor L of A + ridge·I<sub>first <paramref name="ridgeCount"/></sub> = L·Lᵀ, reading A's lower
    /// triangle; false when the matrix is not positive definite.
    /// </summary>
    public static bool TryFactor(ReadOnlySpan<double> a, int d, double ridge, int ridgeCount, out double[] l)
    {
        l = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            var li = l.AsSpan(i * d, d);
            for (var j = 0; j <= i; j++)
            {
                var s = a[(i * d) + j] + (i == j && i < ridgeCount ? ridge : 0) - TensorPrimitives.Dot<double>(li[..j], l.AsSpan(j * d, j));
                if (i == j)
                {
                    if (!(s > 0))
                    {
                        return false;
                    }

                    li[i] = Math.Sqrt(s);
                }
                else
                {
                    li[j] = s / l[(j * d) + j];
                }
            }
        }

        return true;
    }

    /// <summary>A⁻¹ (full, symmetric) from A's lower factor: A⁻¹ = L⁻ᵀ·L⁻¹.</summary>
    public static double[] Inverse(double[] l, int d, int threads)
    {
        // t = (L⁻¹)ᵀ, upper: row j of t is column j of L⁻¹, filled by forward substitution.
        var t = new double[d * d];
        Parallel.For(0, d, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
        {
            var tj = t.AsSpan(j * d, d);
            tj[j] = 1 / l[(j * d) + j];
            for (var i = j + 1; i < d; i++)
            {
                tj[i] = -TensorPrimitives.Dot<double>(l.AsSpan((i * d) + j, i - j), tj[j..i]) / l[(i * d) + i];
            }
        });

        // (L⁻ᵀ·L⁻¹)[a, b] = Σ_m t[a, m]·t[b, m] over m ≥ max(a, b), where both rows are non-zero.
        var inverse = new double[d * d];
        Parallel.For(0, d, new ParallelOptions { MaxDegreeOfParallelism = threads }, a =>
        {
            for (var b = 0; b <= a; b++)
            {
                inverse[(a * d) + b] = TensorPrimitives.Dot<double>(t.AsSpan((a * d) + a, d - a), t.AsSpan((b * d) + a, d - a));
            }
        });
        for (var a = 0; a < d; a++)
        {
            for (var b = a + 1; b < d; b++)
            {
                inverse[(a * d) + b] = inverse[(b * d) + a];
            }
        }

        return inverse;
    }
}
