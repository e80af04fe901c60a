using System.Numerics.Tensors;
using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Calibration;

/// <summary>
/// The second moments H = Σ x xᵀ of the inputs of weight layers, over every row (token, or batch item) of every
/// calibration sample: a [..., K] activation contributes one K-vector per row. GPTQ weighs each weight's rounding
/// error by H, the proxy for how much the layer's output moves on real data. Rows are gathered in chunks and folded
/// in with dot products, so memory is K² doubles per tensor however many samples there are.
/// </summary>
internal static class InputHessians
{
    private const int ChunkRows = 256;

    /// <summary>H (row-major K×K, symmetric) of each named tensor whose last dimension is K.</summary>
    public static Dictionary<string, double[]> Collect(
        ModelProto model,
        IReadOnlyDictionary<string, int> features,
        IReadOnlyList<InputSample> samples,
        int threads,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        if (samples.Count == 0)
        {
            throw new CompressionException("No calibration samples to collect layer inputs from.");
        }

        var accumulators = features.ToDictionary(kv => kv.Key, kv => new Accumulator(kv.Value, threads), StringComparer.Ordinal);
        using var collector = new ActivationCollector(model, [.. features.Keys], [], threads);
        for (var i = 0; i < samples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            collector.Collect(samples[i], (name, values, shape) => accumulators[name].Add(name, values, shape));
            if (progress is not null && (i + 1 == samples.Count || (i + 1) % 10 == 0))
            {
                progress.Report($"collecting layer inputs for GPTQ: {i + 1}/{samples.Count}");
            }
        }

        return accumulators.ToDictionary(kv => kv.Key, kv => kv.Value.Finish(), StringComparer.Ordinal);
    }

    private sealed class Accumulator(int k, int threads)
    {
        private readonly double[] _h = new double[k * k];

        // Column-major chunk: feature f's values over the buffered rows are contiguous, so each H entry is one dot product.
        private readonly float[] _chunk = new float[k * ChunkRows];
        private int _rows;

        public void Add(string name, ReadOnlySpan<float> values, long[] shape)
        {
            if (shape.Length == 0 || shape[^1] != k)
            {
                throw new CompressionException($"The layer input '{name}' has shape [{string.Join(",", shape)}]; its last dimension should be {k}.");
            }

            for (var row = 0; row < values.Length / k; row++)
            {
                var x = values.Slice(row * k, k);
                for (var f = 0; f < k; f++)
                {
                    _chunk[(f * ChunkRows) + _rows] = x[f];
                }

                if (++_rows == ChunkRows)
                {
                    Flush();
                }
            }
        }

        public double[] Finish()
        {
            Flush();
            for (var i = 0; i < k; i++)
            {
                for (var j = i + 1; j < k; j++)
                {
                    _h[(i * k) + j] = _h[(j * k) + i];
                }
            }

            return _h;
        }

        private void Flush()
        {
            if (_rows == 0)
            {
                return;
            }

            var rows = _rows;
            Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                var a = new ReadOnlySpan<float>(_chunk, i * ChunkRows, rows);
                for (var j = 0; j <= i; j++)
                {
                    _h[(i * k) + j] += TensorPrimitives.Dot(a, new ReadOnlySpan<float>(_chunk, j * ChunkRows, rows));
                }
            });
            _rows = 0;
        }
    }
}
