using System.Globalization;
using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>Splits a labelled set over virtual nodes: <c>iid</c>, <c>shards:K</c> (sorted by label, cut into N·K shards, K per node) or <c>dirichlet:A</c> (per-class proportions ~ Dir(A)).</summary>
internal static class FleetPartition
{
    public static void Validate(string spec) => _ = Parse(spec);

    public static SampleSet[] Split(SampleSet data, int nodes, string spec, int seed)
    {
        var (kind, value) = Parse(spec);
        var random = new Random(seed);
        var owner = new int[data.Count];
        switch (kind)
        {
            case "iid":
                var order = Enumerable.Range(0, data.Count).ToArray();
                random.Shuffle(order);
                for (var i = 0; i < order.Length; i++)
                {
                    owner[order[i]] = i % nodes;
                }

                break;
            case "shards":
                var k = (int)value;
                var sorted = Enumerable.Range(0, data.Count).OrderBy(i => data.Targets[i]).ThenBy(_ => random.Next()).ToArray();
                var shards = Enumerable.Range(0, nodes * k).ToArray();
                random.Shuffle(shards);
                var shardSize = (double)data.Count / (nodes * k);
                for (var i = 0; i < sorted.Length; i++)
                {
                    owner[sorted[i]] = Array.IndexOf(shards, (int)(i / shardSize)) / k;
                }

                break;
            default:
                for (var c = 0; c < data.Classes.Count; c++)
                {
                    var members = Enumerable.Range(0, data.Count).Where(i => data.Targets[i] == c).ToArray();
                    random.Shuffle(members);
                    var weights = Enumerable.Range(0, nodes).Select(_ => Gamma(value, random)).ToArray();
                    var total = weights.Sum();
                    double cumulative = 0;
                    var at = 0;
                    for (var n = 0; n < nodes; n++)
                    {
                        cumulative += weights[n] / total;
                        var end = n == nodes - 1 ? members.Length : (int)Math.Round(cumulative * members.Length);
                        for (; at < end; at++)
                        {
                            owner[members[at]] = n;
                        }
                    }
                }

                break;
        }

        var parts = Enumerable.Range(0, nodes).Select(_ => new SampleSet(data.Dimension)).ToArray();
        for (var i = 0; i < data.Count; i++)
        {
            parts[owner[i]].Add(data.Row(i), data.LabelOf(i));
        }

        return parts;
    }

    private static (string Kind, double Value) Parse(string spec)
    {
        if (spec == "iid")
        {
            return ("iid", 0);
        }

        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && double.TryParse(spec.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            var kind = spec[..colon];
            if (kind == "shards" && value == Math.Floor(value))
            {
                return (kind, value);
            }

            if (kind == "dirichlet")
            {
                return (kind, value);
            }
        }

        throw new FormatException($"--partition must be iid, shards:K (integer K > 0) or dirichlet:A (A > 0), got '{spec}'");
    }

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang (with the shape &lt; 1 boost).</summary>
    private static double Gamma(double shape, Random random)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1, random) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                var u1 = 1.0 - random.NextDouble();
                x = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) - (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
