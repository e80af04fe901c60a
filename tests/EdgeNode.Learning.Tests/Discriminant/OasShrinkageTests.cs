using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Tests.Discriminant;

public sealed class OasShrinkageTests
{
    [Fact]
    public void Weight_DiagonalExample_MatchesHandComputation()
    {
        // S = diag(1, 2, 3, 4), n = 100: tr S = 10, tr S² = 30, p = 4.
        // ρ = ((1 − 2/4)·30 + 10²) / ((100 + 1 − 2/4)·(30 − 10²/4)) = 115 / 502.5.
        Assert.Equal(115 / 502.5, OasShrinkage.Weight(10, 30, 4, 100), 12);
    }

    [Fact]
    public void Weight_FewSamples_IsClampedToOne()
    {
        // n = 10: 115 / 52.5 > 1.
        Assert.Equal(1, OasShrinkage.Weight(10, 30, 4, 10));
        Assert.Equal(1, OasShrinkage.Weight(0, 0, 4, 10));
    }

    [Fact]
    public void Fit_TwoDimensions_MatchesDirectComputation()
    {
        // Strongly correlated within-class spread, so OAS keeps part of the sample covariance (0 < ρ < 1).
        (float X, float Y, string Label)[] points = [(0, 0, "a"), (2, 2.1f, "a"), (4, 3.9f, "a"), (3, 0, "b"), (5, 2.2f, "b"), (7, 3.8f, "b"), (6, 3.1f, "b")];
        var statistics = new DiscriminantStatistics(2);
        foreach (var (x, y, label) in points)
        {
            statistics.Add([x, y], label);
        }

        var head = LinearDiscriminant.Fit(statistics, out var report);

        // The same model written out: centre on the total mean, pool the within-class covariance over N − C degrees
        // of freedom, shrink by OAS with p = 2 towards (tr/2)·I, invert the 2×2 matrix.
        int n = points.Length, dof = n - 2;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        var means = points.GroupBy(p => p.Label).ToDictionary(g => g.Key, g => (X: g.Average(p => p.X) - mx, Y: g.Average(p => p.Y) - my, N: g.Count()));
        double c11 = 0, c12 = 0, c22 = 0;
        foreach (var (x, y, label) in points)
        {
            double dx = x - mx - means[label].X, dy = y - my - means[label].Y;
            c11 += dx * dx / dof;
            c12 += dx * dy / dof;
            c22 += dy * dy / dof;
        }

        double trace = c11 + c22, square = (c11 * c11) + (c22 * c22) + (2 * c12 * c12);
        var rho = Math.Min(1, ((0 * square) + (trace * trace)) / ((dof + 1 - 1.0) * (square - (trace * trace / 2))));
        Assert.InRange(rho, 0.01, 0.99);
        Assert.Equal(rho, report.Shrinkage, 9);
        double a11 = ((1 - rho) * c11) + (rho * trace / 2), a22 = ((1 - rho) * c22) + (rho * trace / 2), a12 = (1 - rho) * c12;
        var det = (a11 * a22) - (a12 * a12);
        foreach (var (label, (ux, uy, count)) in means)
        {
            var c = head.IndexOf(label);
            double w1 = ((a22 * ux) - (a12 * uy)) / det, w2 = ((a11 * uy) - (a12 * ux)) / det;
            Assert.Equal(w1, head.Parameters[c * 2], 4);
            Assert.Equal(w2, head.Parameters[(c * 2) + 1], 4);
            Assert.Equal((-0.5 * ((ux * w1) + (uy * w2))) + Math.Log(count / (double)n), head.Parameters[4 + c], 4);
        }
    }

    [Fact]
    public void Solve_RandomSpdMatrix_SolvesTheSystem()
    {
        const int n = 9;
        var random = new Random(3);
        var b = new double[n * n];
        for (var i = 0; i < b.Length; i++)
        {
            b[i] = random.NextDouble() - 0.5;
        }

        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++)
                {
                    a[(i * n) + j] += b[(i * n) + k] * b[(j * n) + k];
                }
            }

            a[(i * n) + i] += 0.5;
        }

        var rhs = Enumerable.Range(0, n).Select(i => (double)i - 3).ToArray();
        var l = (double[])a.Clone();
        var x = (double[])rhs.Clone();
        Cholesky.Factor(l, n);
        Cholesky.Solve(l, n, x);

        for (var i = 0; i < n; i++)
        {
            var row = 0.0;
            for (var j = 0; j < n; j++)
            {
                row += a[(i * n) + j] * x[j];
            }

            Assert.Equal(rhs[i], row, 9);
        }
    }
}
