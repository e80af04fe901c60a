using EdgeNode.Learning;

namespace EdgeNode.Testing;

/// <summary>Synthetic embeddings: one Gaussian blob per class around a random centre, non-negative like ReLU features.</summary>
public static class Blobs
{
    public static (SampleSet Train, SampleSet Test) Make(int classes, int dimension, int trainPerClass, int testPerClass, float spread, int seed = 42)
    {
        var random = new Random(seed);
        var centres = new float[classes][];
        for (var c = 0; c < classes; c++)
        {
            centres[c] = new float[dimension];
            for (var j = 0; j < dimension; j++)
            {
                centres[c][j] = 2f + (2f * (float)random.NextDouble());
            }
        }

        return (Draw(centres, trainPerClass, spread, random), Draw(centres, testPerClass, spread, random));
    }

    public static string Label(int c) => "class" + c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private static SampleSet Draw(float[][] centres, int perClass, float spread, Random random)
    {
        var dimension = centres[0].Length;
        var set = new SampleSet(dimension);
        var row = new float[dimension];

        // Interleaved, so any prefix of the set holds every class.
        for (var i = 0; i < perClass; i++)
        {
            for (var c = 0; c < centres.Length; c++)
            {
                for (var j = 0; j < dimension; j++)
                {
                    row[j] = centres[c][j] + (spread * Gaussian(random));
                }

                set.Add(row, Label(c));
            }
        }

        return set;
    }

    /// <summary>Splits <paramref name="data"/> so node i holds only classes i·k … i·k+k−1 (mod classes): non-IID shards.</summary>
    public static SampleSet[] Shards(SampleSet data, int nodes, int classesPerNode)
    {
        var parts = Enumerable.Range(0, nodes).Select(_ => new SampleSet(data.Dimension)).ToArray();
        var owners = data.Classes.Select(_ => new List<int>()).ToArray();
        for (var n = 0; n < nodes; n++)
        {
            for (var k = 0; k < classesPerNode; k++)
            {
                owners[((n * classesPerNode) + k) % data.Classes.Count].Add(n);
            }
        }

        var counters = new int[data.Classes.Count];
        var targets = data.Targets;
        for (var i = 0; i < data.Count; i++)
        {
            var owner = owners[targets[i]];
            if (owner.Count > 0)
            {
                parts[owner[counters[targets[i]]++ % owner.Count]].Add(data.Row(i), data.LabelOf(i));
            }
        }

        return parts;
    }
}
