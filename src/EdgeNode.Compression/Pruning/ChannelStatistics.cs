using EdgeNode.Compression.Calibration;

namespace EdgeNode.Compression.Pruning;

/// <summary>Per-channel mean magnitude of every conv input over calibration images, for choosing the channels to prune.</summary>
internal static class ChannelStatistics
{
    public static Dictionary<string, float[]> ConvInputMagnitudes(ModelProto model, IReadOnlyList<float[]> inputs, long[] inputShape, int threads, CancellationToken cancellationToken)
    {
        var view = new GraphView(model.Graph);
        var channels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var conv in model.Graph.Node.Where(n => n.OpType == "Conv" && GraphView.GetInt(n, "group", 1) == 1 && view.IsInitializer(n.Input[1])))
        {
            if (!view.IsInitializer(conv.Input[0]))
            {
                channels[conv.Input[0]] = (int)view.Initializers[conv.Input[1]].Dims[1];
            }
        }

        var sums = channels.ToDictionary(kv => kv.Key, kv => new double[kv.Value], StringComparer.Ordinal);
        using var collector = new ActivationCollector(model, [.. channels.Keys], inputShape, threads);
        foreach (var input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            collector.Collect(input, (name, values) =>
            {
                var sum = sums[name];
                var spatial = values.Length / sum.Length;
                for (var c = 0; c < sum.Length; c++)
                {
                    sum[c] += System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(values.Slice(c * spatial, spatial)) / (double)spatial;
                }
            });
        }

        return sums.ToDictionary(kv => kv.Key, kv => kv.Value.Select(s => (float)(s / inputs.Count)).ToArray(), StringComparer.Ordinal);
    }
}
