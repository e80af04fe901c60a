using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>
/// The reference the mini-batch trainer is measured against: the same L2-regularised softmax objective,
/// minimised on the full batch with L-BFGS (two-loop recursion, Armijo backtracking) to a small gradient.
/// </summary>
public static class FullBatchLogisticRegression
{
    private const int History = 10;

    /// <summary>Fits a fresh logistic-regression head on <paramref name="data"/>.</summary>
    public static (HeadModel Head, ReferenceReport Report) Fit(SampleSet data, float l2, int maxIterations = 500, double tolerance = 1e-4, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var head = new HeadModel(data.Dimension);
        var x = new float[data.Count * data.Dimension];
        var targets = HeadTrainer.Prepare(head, data, refitScaler: true, x);
        var all = new int[data.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        var gradient = new HeadGradient(head);
        var n = head.ParameterCount;
        var theta = head.Parameters;
        double Evaluate(Span<float> g)
        {
            var loss = gradient.Compute(x, targets, all, [], l2);
            gradient.Gradient.CopyTo(g);
            return loss;
        }

        var g = new float[n];
        var f = Evaluate(g);
        var s = new List<float[]>();
        var y = new List<float[]>();
        var direction = new float[n];
        var start = new float[n];
        var newGradient = new float[n];
        var alpha = new double[History];
        var iteration = 0;
        double norm = MathF.Abs(TensorPrimitives.MaxMagnitude<float>(g));
        for (; iteration < maxIterations && norm > tolerance; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TwoLoop(g, s, y, direction, alpha);
            var slope = TensorPrimitives.Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature pairs went stale): restart from steepest descent.
                s.Clear();
                y.Clear();
                TensorPrimitives.Negate(g, direction);
                slope = TensorPrimitives.Dot(g, direction);
            }

            theta.CopyTo(start, 0);
            var step = iteration == 0 ? Math.Min(1.0, 1.0 / TensorPrimitives.Norm(g)) : 1.0;
            double trial;
            while (true)
            {
                TensorPrimitives.MultiplyAdd(direction, (float)step, start, theta);
                trial = Evaluate(newGradient);
                if (trial <= f + (1e-4 * step * slope) || step < 1e-10)
                {
                    break;
                }

                step *= 0.5;
            }

            var sk = new float[n];
            var yk = new float[n];
            TensorPrimitives.Subtract(theta, start, sk);
            TensorPrimitives.Subtract(newGradient, g, yk);
            if (TensorPrimitives.Dot(sk, yk) > 1e-10)
            {
                if (s.Count == History)
                {
                    s.RemoveAt(0);
                    y.RemoveAt(0);
                }

                s.Add(sk);
                y.Add(yk);
            }

            if (trial > f)
            {
                // No descent possible at float precision: this is the optimum.
                start.CopyTo(theta, 0);
                break;
            }

            newGradient.CopyTo(g, 0);
            f = trial;
            norm = MathF.Abs(TensorPrimitives.MaxMagnitude<float>(g));
        }

        return (head, new ReferenceReport(iteration, f, norm, norm <= tolerance));
    }

    private static void TwoLoop(float[] g, List<float[]> s, List<float[]> y, float[] direction, double[] alpha)
    {
        g.CopyTo(direction, 0);
        for (var i = s.Count - 1; i >= 0; i--)
        {
            var rho = 1.0 / TensorPrimitives.Dot(y[i], s[i]);
            alpha[i] = rho * TensorPrimitives.Dot(s[i], direction);
            TensorPrimitives.MultiplyAdd(y[i], (float)-alpha[i], direction, direction);
        }

        if (s.Count > 0)
        {
            var last = s.Count - 1;
            var gamma = TensorPrimitives.Dot(s[last], y[last]) / TensorPrimitives.Dot(y[last], y[last]);
            TensorPrimitives.Multiply(direction, gamma, direction);
        }

        for (var i = 0; i < s.Count; i++)
        {
            var rho = 1.0 / TensorPrimitives.Dot(y[i], s[i]);
            var beta = rho * TensorPrimitives.Dot(y[i], direction);
            TensorPrimitives.MultiplyAdd(s[i], (float)(alpha[i] - beta), direction, direction);
        }

        TensorPrimitives.Negate(direction, direction);
    }
}
