namespace EdgeNode.Compression.Pruning;

/// <summary>
/// Structured channel pruning: in each prunable channel group the least important channels (see <see cref="Plan"/>)
/// are removed from the producers' output and from every consuming conv's input, so residual connections stay
/// aligned. With calibration images the consumers are reconstructed by least squares (<see cref="ConsumerRefit"/>).
/// </summary>
internal static class ChannelPruner
{
    /// <summary>Prunes <paramref name="graph"/> in place by <paramref name="fraction"/>, removed input channels simply cut.</summary>
    public static ChannelPruningResult Apply(GraphProto graph, double fraction) => Apply(graph, Plan(graph, fraction), refit: null, threads: 1);

    /// <summary>
    /// Which channels each prunable group keeps: the most important, by <paramref name="inputMagnitudes"/> when given,
    /// else by the L1 norm of the producing convs' filters (summed over producers, each normalised by its mean). The
    /// graph is not changed.
    /// </summary>
    /// <param name="graph">The graph to plan for.</param>
    /// <param name="fraction">Fraction of each prunable group's channels to remove.</param>
    /// <param name="inputMagnitudes">
    /// Optional mean |activation| per channel of conv inputs (calibration images). A group whose consumers all have
    /// them is ranked by what each channel feeds its consumers instead: mean |x_c| times the L1 norm of the
    /// consumers' weights on channel c, each consumer normalised by its mean.
    /// </param>
    public static IReadOnlyList<PrunedGroup> Plan(GraphProto graph, double fraction, IReadOnlyDictionary<string, float[]>? inputMagnitudes = null)
    {
        if (fraction is <= 0 or >= 1)
        {
            throw new CompressionException($"The channel-pruning fraction must be in (0, 1); got {fraction}.");
        }

        var view = new GraphView(graph);
        var groups = new ChannelGroups(view);
        var plan = new List<PrunedGroup>();
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
            if (inputMagnitudes is not null && consumers.Count > 0
                && consumers.All(c => inputMagnitudes.TryGetValue(c.Input[0], out var m) && m.Length == channels))
            {
                foreach (var consumer in consumers)
                {
                    var norms = InputNorms(Tensors.ToFloats(view.Initializers[consumer.Input[1]]), (int)view.Initializers[consumer.Input[1]].Dims[0], channels);
                    var magnitudes = inputMagnitudes[consumer.Input[0]];
                    var scores = norms.Select((n, c) => n * magnitudes[c]).ToArray();
                    AddNormalised(importance, scores);
                }
            }
            else
            {
                foreach (var producer in producers)
                {
                    AddNormalised(importance, FilterNorms(Tensors.ToFloats(view.Initializers[producer.Input[1]]), channels));
                }
            }

            var keep = Enumerable.Range(0, channels).OrderByDescending(c => importance[c]).Take(channels - drop).Order().ToArray();
            plan.Add(new PrunedGroup(producers, consumers, channels, keep));
        }

        return plan;
    }

    /// <summary>
    /// Removes the planned channels from the producers' outputs and the consumers' inputs. A consumer that
    /// <paramref name="refit"/> solved gets its reconstructed weights and bias; any other has its input channels cut.
    /// </summary>
    public static ChannelPruningResult Apply(GraphProto graph, IReadOnlyList<PrunedGroup> plan, ConsumerRefit? refit, int threads)
    {
        var view = new GraphView(graph);
        var refitted = 0;
        foreach (var group in plan)
        {
            foreach (var consumer in group.Consumers)
            {
                if (refit is not null && refit.TrySolve(consumer, threads, out var weights, out var bias))
                {
                    var dims = view.Initializers[consumer.Input[1]].Dims.ToArray();
                    dims[1] = group.Keep.Length;
                    Replace(view, consumer, 1, weights, dims);
                    while (consumer.Input.Count < 3)
                    {
                        consumer.Input.Add(string.Empty);
                    }

                    Replace(view, consumer, 2, bias, [bias.Length]);
                    refitted++;
                }
                else
                {
                    Slice(view, consumer, 1, axis: 1, group.Keep);
                }
            }
        }

        // Output channels after input channels: a conv can be both a consumer of one group and a producer of another.
        foreach (var group in plan)
        {
            foreach (var producer in group.Producers)
            {
                Slice(view, producer, 1, axis: 0, group.Keep);
                if (producer.Input.Count > 2 && producer.Input[2].Length > 0)
                {
                    Slice(view, producer, 2, axis: 0, group.Keep);
                }
            }
        }

        // Shapes recorded for intermediate tensors are stale now; runtimes re-infer them.
        graph.ValueInfo.Clear();
        GraphCleanup.Run(graph);
        return new ChannelPruningResult(plan.Count, plan.Sum(g => g.Channels - g.Keep.Length), refitted);
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

    private static void AddNormalised(double[] importance, double[] scores)
    {
        var mean = scores.Average();
        for (var c = 0; c < importance.Length; c++)
        {
            importance[c] += mean > 0 ? scores[c] / mean : 0;
        }
    }

    /// <summary>L1 norm of each input channel's weights, over all outputs and kernel positions.</summary>
    private static double[] InputNorms(float[] weights, int outputs, int channels)
    {
        var kernel = weights.Length / (outputs * channels);
        var norms = new double[channels];
        for (var o = 0; o < outputs; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                norms[c] += System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(weights.AsSpan(((o * channels) + c) * kernel, kernel));
            }
        }

        return norms;
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
        Replace(view, node, inputIndex, result, dims);
    }

    private static void Replace(GraphView view, NodeProto node, int inputIndex, float[] values, long[] dims)
    {
        var name = view.UniqueName((node.Input[inputIndex].Length > 0 ? node.Input[inputIndex] : node.Name + "_bias") + "_pruned");
        view.AddInitializer(Tensors.FromFloats(name, values, dims));
        node.Input[inputIndex] = name;
    }
}
