namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// Temperature scaling (Guo et al. 2017): one scalar T fitted on held-back samples by minimum negative
/// log-likelihood, then the head's logits are divided by T. A discriminant head's Gaussian posterior is
/// over-confident (its covariance is shared and shrunk), and T fixes that without moving any decision.
/// </summary>
public static class TemperatureScaling
{
    // ln T is searched in [ln 1/20, ln 20]: a wider range only admits fits to a handful of held-back samples.
    private const double LowLog = -3.0;
    private const double HighLog = 3.0;

    /// <summary>The T in [1/20, 20] that minimises the mean NLL of <paramref name="head"/> on <paramref name="heldBack"/>; 1 when no held-back sample has a class of the head.</summary>
    public static double Fit(HeadModel head, SampleSet heldBack)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(heldBack);
        var (logits, targets) = Logits(head, heldBack);
        if (targets.Length == 0)
        {
            return 1;
        }

        // NLL is convex in 1/T, so unimodal in ln T: golden-section search to 1e-4.
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = LowLog, b = HighLog;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        double fc = Nll(logits, targets, head.Classes.Count, Math.Exp(c)), fd = Nll(logits, targets, head.Classes.Count, Math.Exp(d));
        while (b - a > 1e-4)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - (ratio * (b - a));
                fc = Nll(logits, targets, head.Classes.Count, Math.Exp(c));
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + (ratio * (b - a));
                fd = Nll(logits, targets, head.Classes.Count, Math.Exp(d));
            }
        }

        return Math.Exp((a + b) / 2);
    }

    /// <summary>Fits T on <paramref name="heldBack"/> and divides <paramref name="head"/>'s logits by it; returns T.</summary>
    public static double Calibrate(HeadModel head, SampleSet heldBack)
    {
        var temperature = Fit(head, heldBack);
        head.ScaleLogits((float)(1 / temperature));
        return temperature;
    }

    private static (double[] Logits, int[] Targets) Logits(HeadModel head, SampleSet data)
    {
        var c = head.Classes.Count;
        var map = data.Classes.Select(head.IndexOf).ToArray();
        var rows = Enumerable.Range(0, data.Count).Where(i => map[data.Targets[i]] >= 0).ToArray();
        var logits = new double[rows.Length * c];
        var x = new float[head.InputSize];
        var hidden = new float[head.HiddenSize];
        var z = new float[c];
        for (var k = 0; k < rows.Length; k++)
        {
            head.Scaler.Transform(data.Row(rows[k]), x);
            head.Forward(x, hidden, z);
            for (var j = 0; j < c; j++)
            {
                logits[(k * c) + j] = z[j];
            }
        }

        return (logits, rows.Select(i => map[data.Targets[i]]).ToArray());
    }

    private static double Nll(double[] logits, int[] targets, int classes, double temperature)
    {
        double total = 0;
        for (var k = 0; k < targets.Length; k++)
        {
            var row = logits.AsSpan(k * classes, classes);
            var max = double.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (var v in row)
            {
                sum += Math.Exp((v - max) / temperature);
            }

            total += Math.Log(sum) - ((row[targets[k]] - max) / temperature);
        }

        return total / targets.Length;
    }
}
