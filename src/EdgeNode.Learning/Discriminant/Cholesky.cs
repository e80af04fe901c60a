using System.Numerics.Tensors;

namespace EdgeNode.Learning.Discriminant;

/// <summary>In-place Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix and the solve with it (row-major, double).</summary>
internal static class Cholesky
{
    /// <summary>Overwrites the lower triangle of <paramref name="a"/> (n×n, the lower triangle read) with L.</summary>
    /// <exception cref="ArgumentException">The matrix is not positive definite.</exception>
    public static void Factor(Span<double> a, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var rowI = a.Slice(i * n, n);
            for (var j = 0; j < i; j++)
            {
                // Row-oriented: both operands are contiguous prefixes of rows of L.
                var rowJ = a.Slice(j * n, j);
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], rowJ)) / a[(j * n) + j];
            }

            var diagonal = rowI[i] - TensorPrimitives.Dot(rowI[..i], rowI[..i]);
            if (!(diagonal > 0))
            {
                throw new ArgumentException("The covariance is not positive definite.", nameof(a));
            }

            rowI[i] = Math.Sqrt(diagonal);
        }
    }

    /// <summary>Solves L Lᵀ x = b in place (<paramref name="b"/> becomes x) with the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (var i = 0; i < n; i++)
        {
            b[i] = (b[i] - TensorPrimitives.Dot(l.Slice(i * n, i), b[..i])) / l[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[(k * n) + i] * b[k];
            }

            b[i] = sum / l[(i * n) + i];
        }
    }
}
