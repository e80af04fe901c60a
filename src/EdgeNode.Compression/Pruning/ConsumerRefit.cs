using System.Numerics.Tensors;
using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Numerics;

namespace EdgeNode.Compression.Pruning;

/// <summary>
/// Least-squares reconstruction of the convs that lose input channels to channel pruning (the reconstruction step
/// of He et al., "Channel Pruning for Accelerating Very Deep Neural Networks", 2017, and of ThiNet): on calibration
/// images, each such conv gets new weights over its kept input channels, and a new bias, fitted by ridge regression
/// to reproduce the original conv's output from the original activations. The bias term takes over the mean of the
/// removed channels, so nothing else compensates for them.
/// </summary>
internal sealed class ConsumerRefit
{
    private const int BatchColumns = 512;
    private const double Ridge = 1e-3;

    private readonly Dictionary<NodeProto, Problem> _problems = new(ReferenceEqualityComparer.Instance);

    private ConsumerRefit()
    {
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> through the unpruned <paramref name="model"/> once and accumulates, for each
    /// consumer, the normal equations of its kept channels' im2col patches against its original output.
    /// </summary>
    public static ConsumerRefit Collect(ModelProto model, IReadOnlyList<PrunedGroup> plan, IReadOnlyList<float[]> inputs, long[] inputShape, int threads, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var refit = new ConsumerRefit();
        var view = new GraphView(model.Graph);
        foreach (var group in plan)
        {
            foreach (var consumer in group.Consumers)
            {
                if (Problem.TryCreate(view, consumer, group.Keep, inputs.Count) is { } problem)
                {
                    refit._problems[consumer] = problem;
                }
            }
        }

        if (refit._problems.Count == 0 || inputs.Count == 0)
        {
            return refit;
        }

        var byTensor = refit._problems.Values.SelectMany(p => new[] { p.InputName, p.OutputName }).Distinct(StringComparer.Ordinal).ToArray();
        using var collector = new ActivationCollector(model, byTensor, inputShape, threads);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var values = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            collector.Collect(inputs[i], (name, data, shape) =>
            {
                // One buffer per tensor for all images: a fresh copy each time would churn the large-object heap.
                var buffer = values.TryGetValue(name, out var kept) && kept.Data.Length == data.Length ? kept.Data : new float[data.Length];
                data.CopyTo(buffer);
                values[name] = (buffer, shape);
            });
            foreach (var problem in refit._problems.Values)
            {
                problem.AddImage(values[problem.InputName], values[problem.OutputName], i, options);
            }

            progress?.Report($"channel-pruning reconstruction: {i + 1}/{inputs.Count} images");
        }

        foreach (var problem in refit._problems.Values)
        {
            problem.Flush(options);
        }

        return refit;
    }

    /// <summary>
    /// The refitted weights ([O, kept, kh, kw]) and bias of <paramref name="consumer"/>; false when it was not
    /// collected or its system is singular (the caller then slices the original weights).
    /// </summary>
    public bool TrySolve(NodeProto consumer, int threads, out float[] weights, out float[] bias)
    {
        weights = [];
        bias = [];
        return _problems.TryGetValue(consumer, out var problem) && problem.TrySolve(threads, out weights, out bias);
    }

    private sealed class Problem
    {
        private readonly int[] _keep;
        private readonly int _outputs;
        private readonly int _kh;
        private readonly int _kw;
        private readonly int _strideH;
        private readonly int _strideW;
        private readonly int _padTop;
        private readonly int _padLeft;
        private readonly int _dilationH;
        private readonly int _dilationW;
        private readonly int _d;
        private readonly int _samplesPerImageTarget;
        private readonly float[] _zt;
        private readonly float[] _yt;
        private readonly double[] _a;
        private readonly double[] _r;
        private int _columns;
        private long _samples;

        private Problem(NodeProto conv, int[] keep, int outputs, int kh, int kw, int[] strides, int[] pads, int[] dilations, int images)
        {
            InputName = conv.Input[0];
            OutputName = conv.Output[0];
            _keep = keep;
            _outputs = outputs;
            _kh = kh;
            _kw = kw;
            (_strideH, _strideW) = (strides[0], strides[1]);
            (_padTop, _padLeft) = (pads[0], pads[1]);
            (_dilationH, _dilationW) = (dilations[0], dilations[1]);
            _d = (keep.Length * kh * kw) + 1;
            _samplesPerImageTarget = Math.Max(1, (8 * _d) / Math.Max(1, images));
            _zt = new float[_d * BatchColumns];
            _yt = new float[outputs * BatchColumns];
            _a = new double[_d * _d];
            _r = new double[_d * outputs];
        }

        public string InputName { get; }

        public string OutputName { get; }

        public static Problem? TryCreate(GraphView view, NodeProto conv, int[] keep, int images)
        {
            var weights = view.Initializers[conv.Input[1]];
            if (weights.Dims.Count != 4 || GraphView.GetInt(conv, "group", 1) != 1
                || conv.Attribute.FirstOrDefault(a => a.Name == "auto_pad") is { } autoPad && autoPad.S.ToStringUtf8() is not ("NOTSET" or ""))
            {
                return null;
            }

            var pads = Ints(conv, "pads", [0, 0, 0, 0]);
            return new Problem(conv, keep, (int)weights.Dims[0], (int)weights.Dims[2], (int)weights.Dims[3], Ints(conv, "strides", [1, 1]), pads, Ints(conv, "dilations", [1, 1]), images);
        }

        /// <summary>Adds sampled output positions of one image: z = [kept-channel patch, 1], y = the original output.</summary>
        public void AddImage((float[] Data, long[] Shape) input, (float[] Data, long[] Shape) output, int image, ParallelOptions options)
        {
            var (height, width) = ((int)input.Shape[2], (int)input.Shape[3]);
            var (outH, outW) = ((int)output.Shape[2], (int)output.Shape[3]);
            var positions = outH * outW;
            var take = Math.Min(positions, _samplesPerImageTarget);
            var random = new Random(image);
            for (var s = 0; s < take; s++)
            {
                var p = take == positions ? s : random.Next(positions);
                var (oy, ox) = (p / outW, p % outW);
                var row = 0;
                foreach (var c in _keep)
                {
                    var plane = input.Data.AsSpan(c * height * width, height * width);
                    for (var ky = 0; ky < _kh; ky++)
                    {
                        var iy = (oy * _strideH) - _padTop + (ky * _dilationH);
                        for (var kx = 0; kx < _kw; kx++)
                        {
                            var ix = (ox * _strideW) - _padLeft + (kx * _dilationW);
                            _zt[(row++ * BatchColumns) + _columns] = iy >= 0 && iy < height && ix >= 0 && ix < width ? plane[(iy * width) + ix] : 0f;
                        }
                    }
                }

                _zt[(row * BatchColumns) + _columns] = 1f;
                for (var o = 0; o < _outputs; o++)
                {
                    _yt[(o * BatchColumns) + _columns] = output.Data[(o * positions) + p];
                }

                if (++_columns == BatchColumns)
                {
                    Flush(options);
                }
            }
        }

        /// <summary>A += Zᵀ·Z (lower triangle), R += Zᵀ·Y over the buffered samples.</summary>
        public void Flush(ParallelOptions options)
        {
            var n = _columns;
            if (n == 0)
            {
                return;
            }

            Parallel.For(0, _d, options, i =>
            {
                var zi = _zt.AsSpan(i * BatchColumns, n);
                var a = _a.AsSpan(i * _d, i + 1);
                for (var j = 0; j <= i; j++)
                {
                    a[j] += TensorPrimitives.Dot(zi, _zt.AsSpan(j * BatchColumns, n));
                }

                var r = _r.AsSpan(i * _outputs, _outputs);
                for (var o = 0; o < _outputs; o++)
                {
                    r[o] += TensorPrimitives.Dot(zi, _yt.AsSpan(o * BatchColumns, n));
                }
            });
            _samples += n;
            _columns = 0;
        }

        /// <summary>Solves (A + λ·I)·W = R by Cholesky; λ is <see cref="Ridge"/> times the mean diagonal of A (the bias row is not regularised).</summary>
        public bool TrySolve(int threads, out float[] weights, out float[] bias)
        {
            weights = [];
            bias = [];
            if (_samples == 0)
            {
                return false;
            }

            var d = _d;
            double trace = 0;
            for (var i = 0; i < d - 1; i++)
            {
                trace += _a[(i * d) + i];
            }

            if (!Cholesky.TryFactor(_a, d, Ridge * Math.Max(trace / (d - 1), 1e-12), d - 1, out var l))
            {
                return false;
            }

            var solution = new double[_outputs * d];
            Parallel.For(0, _outputs, new ParallelOptions { MaxDegreeOfParallelism = threads }, o =>
            {
                var u = solution.AsSpan(o * d, d);
                for (var i = 0; i < d; i++)
                {
                    u[i] = (_r[(i * _outputs) + o] - TensorPrimitives.Dot<double>(l.AsSpan(i * d, i), u[..i])) / l[(i * d) + i];
                }

                for (var k = d - 1; k >= 0; k--)
                {
                    u[k] /= l[(k * d) + k];
                    TensorPrimitives.MultiplyAdd<double>(l.AsSpan(k * d, k), -u[k], u[..k], u[..k]);
                }
            });

            weights = new float[_outputs * (d - 1)];
            bias = new float[_outputs];
            for (var o = 0; o < _outputs; o++)
            {
                for (var i = 0; i < d - 1; i++)
                {
                    weights[(o * (d - 1)) + i] = (float)solution[(o * d) + i];
                }

                bias[o] = (float)solution[(o * d) + d - 1];
            }

            return weights.All(float.IsFinite) && bias.All(float.IsFinite);
        }

        private static int[] Ints(NodeProto node, string name, int[] fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == name) is { } a && a.Ints.Count > 0 ? [.. a.Ints.Select(v => (int)v)] : fallback;
    }
}
