using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;

namespace EdgeNode.Compression.Pruning;

/// <summary>
/// Structured channel pruning: in each prunable channel group the channels with the lowest L1 weight norm
/// (summed over the group's producing convs, each normalised by its mean) are removed from the producers'
/// output and from every consuming conv's input, so residual connections stay aligned.
/// </summary>
internal static class ChannelPruner
{
    /// <param name="graph">The graph, changed in place.</param>
    /// <param name="fraction">Fraction of each prunable group's channels to remove.</param>
    /// <param name="channelMeans">
    /// Optional per-channel mean activation of conv inputs (from calibration images): a removed input
    /// channel is then replaced by its mean, folded into the consumer's bias, instead of by zero.
    /// </param>
    public static ChannelPruningResult Apply(GraphProto graph, double fraction, IReadOnlyDictionary<string, float[]>? channelMeans = null)
    {
        if (fraction is <= 0 or >= 1)
        {
            throw new CompressionException($"The channel-pruning fraction must be in (0, 1); got {fraction}.");
        }

        var view = new GraphView(graph);
        var groups = new ChannelGroups(view);
        var removed = 0;
        var pruned = 0;
        foreach (var root in groups.PrunableRoots())
        {
            var producers = groups.Producers.Where(p => groups.Find(p.Output[0]) == root).ToList();
            var consumers = groups.Consumers.Where(c => groups.Find(c.Input[0]) == root).ToList();
            var channels = (int)view.Initializers[producers[0].Input[1]].Dims[0];
            if (producers.Any(p => view.Initializers[p.Input[1]].Dims[0] != channels)
                || consumers.Any(c => view.Initializers[c.Input[1]].Dims[1] != channels))
            {
                continue;
            }

            var drop = channels - KeptChannels(channels, fraction);
            if (drop == 0)
            {
                continue;
            }

            var importance = new double[channels];
            foreach (var producer in producers)
            {
                var norms = FilterNorms(Tensors.ToFloats(view.Initializers[producer.Input[1]]), channels);
                var mean = norms.Average();
                for (var c = 0; c < channels; c++)
                {
                    importance[c] += mean > 0 ? norms[c] / mean : 0;
                }
            }

            var keep = Enumerable.Range(0, channels).OrderByDescending(c => importance[c]).Take(channels - drop).Order().ToArray();
            foreach (var producer in producers)
            {
                Slice(view, producer, 1, axis: 0, keep);
                if (producer.Input.Count > 2 && producer.Input[2].Length > 0)
                {
                    Slice(view, producer, 2, axis: 0, keep);
                }
            }

            foreach (var consumer in consumers)
            {
                if (channelMeans is not null && channelMeans.TryGetValue(consumer.Input[0], out var means) && means.Length == channels)
                {
                    CompensateBias(view, consumer, keep, means);
                }

                Slice(view, consumer, 1, axis: 1, keep);
            }

            removed += drop;
            pruned++;
        }

        // Shapes recorded for intermediate tensors are stale now; runtimes re-infer them.
        graph.ValueInfo.Clear();
        GraphCleanup.Run(graph);
        return new ChannelPruningResult(pruned, removed);
    }

    /// <summary>
    /// Channels kept out of <paramref name="channels"/>. Wide layers keep a multiple of 8: ONNX Runtime's
    /// fast int8 convolution needs input channels in multiples of 4 and output channels in multiples of
    /// 8, and an odd width would cost more than the pruned channels save.
    /// </summary>
    internal static int KeptChannels(int channels, double fraction)
    {
        var keep = channels - (int)Math.Floor(channels * fraction);
        if (channels >= 32 && channels % 8 == 0)
        {
            keep = Math.Max(8, (int)Math.Round(keep / 8.0, MidpointRounding.AwayFromZero) * 8);
        }

        return Math.Clamp(keep, 1, channels);
    }

    /// <summary>Adds each removed input channel's mean contribution, Σ_k W[o,c,k]·mean[c], to the consumer's bias.</summary>
    private static void CompensateBias(GraphView view, NodeProto consumer, int[] keep, float[] means)
    {
        var weightTensor = view.Initializers[consumer.Input[1]];
        var weights = Tensors.ToFloats(weightTensor);
        var outputs = (int)weightTensor.Dims[0];
        var inputs = (int)weightTensor.Dims[1];
        var kernel = weights.Length / (outputs * inputs);
        var hasBias = consumer.Input.Count > 2 && consumer.Input[2].Length > 0;
        var bias = hasBias ? Tensors.ToFloats(view.Initializers[consumer.Input[2]]) : new float[outputs];
        var kept = new HashSet<int>(keep);
        for (var o = 0; o < outputs; o++)
        {
            for (var c = 0; c < inputs; c++)
            {
                if (!kept.Contains(c))
                {
                    var sum = 0f;
                    foreach (var w in weights.AsSpan(((o * inputs) + c) * kernel, kernel))
                    {
                        sum += w;
                    }

                    bias[o] += sum * means[c];
                }
            }
        }

        var name = view.UniqueName((hasBias ? consumer.Input[2] : consumer.Name + "_bias") + "_compensated");
        view.AddInitializer(Tensors.FromFloats(name, bias, outputs));
        if (hasBias)
        {
            consumer.Input[2] = name;
        }
        else
        {
            while (consumer.Input.Count < 2)
            {
                consumer.Input.Add(string.Empty);
            }

            consumer.Input.Add(name);
        }
    }

    private static double[] FilterNorms(float[] weights, int channels)
    {
        var per = weights.Length / channels;
        var norms = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            foreach (var w in weights.AsSpan(c * per, per))
            {
                norms[c] += Math.Abs(w);
            }
        }

        return norms;
    }

    /// <summary>Replaces input <paramref name="inputIndex"/> of <paramref name="node"/> with a copy keeping only <paramref name="keep"/> along <paramref name="axis"/>.</summary>
    private static void Slice(GraphView view, NodeProto node, int inputIndex, int axis, int[] keep)
    {
        var tensor = view.Initializers[node.Input[inputIndex]];
        var values = Tensors.ToFloats(tensor);
        var dims = tensor.Dims.ToArray();
        var outer = 1L;
        for (var i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        var inner = 1L;
        for (var i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        var result = new float[outer * keep.Length * inner];
        var target = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var k in keep)
            {
                values.AsSpan((int)(((o * dims[axis]) + k) * inner), (int)inner).CopyTo(result.AsSpan(target, (int)inner));
                target += (int)inner;
            }
        }

        dims[axis] = keep.Length;
        var name = view.UniqueName(node.Input[inputIndex] + "_pruned");
        view.AddInitializer(Tensors.FromFloats(name, result, dims));
        node.Input[inputIndex] = name;
    }
}
