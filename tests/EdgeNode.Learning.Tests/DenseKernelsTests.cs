namespace EdgeNode.Learning.Tests;

/// <summary>The blocked kernels against the textbook loops, for every row-block shape (5, 4 and single rows).</summary>
public sealed class DenseKernelsTests
{
    [Theory]
    [InlineData(1, 512)]
    [InlineData(4, 512)]
    [InlineData(5, 13)]
    [InlineData(7, 512)]
    [InlineData(10, 512)]
    [InlineData(13, 37)]
    [InlineData(128, 40)]
    public void ForwardAndAccumulateOuter_MatchNaiveLoops(int rows, int f)
    {
        var random = new Random(rows * 1000 + f);
        var weights = Fill(random, rows * f);
        var bias = Fill(random, rows);
        var x = Fill(random, f);
        var output = new float[rows];

        DenseKernels.Forward(weights, bias, x, output);

        for (var r = 0; r < rows; r++)
        {
            double expected = bias[r];
            for (var i = 0; i < f; i++)
            {
                expected += weights[(r * f) + i] * x[i];
            }

            Assert.Equal(expected, output[r], 3);
        }

        const int batch = 9;
        var inputs = Fill(random, (batch + 2) * f);
        int[] inputRow = [.. Enumerable.Range(0, batch).Select(s => ((s * 7) % (batch + 2)) * f)];
        var g = Fill(random, batch * rows);
        var gradient = Fill(random, rows * f);
        var before = (float[])gradient.Clone();

        DenseKernels.AccumulateOuter(gradient, g, rows, inputs, inputRow, f);

        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < f; i++)
            {
                double expected = before[(r * f) + i];
                for (var s = 0; s < batch; s++)
                {
                    expected += g[(s * rows) + r] * inputs[inputRow[s] + i];
                }

                Assert.Equal(expected, gradient[(r * f) + i], 3);
            }
        }
    }

    [Theory]
    [InlineData(10, 512)]
    [InlineData(5, 64)]
    [InlineData(7, 512)]
    [InlineData(10, 13)]
    [InlineData(20, 512)]
    public void ForwardPair_EqualsForwardOfEachInput(int rows, int f)
    {
        var random = new Random(rows + f);
        var weights = Fill(random, rows * f);
        var bias = Fill(random, rows);
        var x1 = Fill(random, f);
        var x2 = Fill(random, f);
        var pair1 = new float[rows];
        var pair2 = new float[rows];
        var single1 = new float[rows];
        var single2 = new float[rows];

        DenseKernels.ForwardPair(weights, bias, x1, x2, pair1, pair2);
        DenseKernels.Forward(weights, bias, x1, single1);
        DenseKernels.Forward(weights, bias, x2, single2);

        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(single1[r], pair1[r], 4);
            Assert.Equal(single2[r], pair2[r], 4);
        }
    }

    private static float[] Fill(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
