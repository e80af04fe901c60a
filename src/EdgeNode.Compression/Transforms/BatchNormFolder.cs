namespace EdgeNode.Compression.Transforms;

/// <summary>Folds a BatchNormalization that follows a Conv into the Conv's weights and bias.</summary>
internal static class BatchNormFolder
{
    /// <summary>Returns the number of BatchNormalization nodes folded.</summary>
    public static int Fold(GraphProto graph)
    {
        var view = new GraphView(graph);
        var folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (bn.Output.Count > 1 && bn.Output.Skip(1).Any(o => o.Length > 0)
                || !view.Producers.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv"
                || view.ConsumersOf(conv.Output[0]).Count != 1 || view.GraphOutputs.Contains(conv.Output[0])
                || !bn.Input.Skip(1).All(view.IsInitializer) || !view.IsInitializer(conv.Input[1])
                || (conv.Input.Count > 2 && conv.Input[2].Length > 0 && !view.IsInitializer(conv.Input[2])))
            {
                continue;
            }

            var weightTensor = view.Initializers[conv.Input[1]];
            var weights = Tensors.ToFloats(weightTensor);
            var gamma = Tensors.ToFloats(view.Initializers[bn.Input[1]]);
            var beta = Tensors.ToFloats(view.Initializers[bn.Input[2]]);
            var mean = Tensors.ToFloats(view.Initializers[bn.Input[3]]);
            var variance = Tensors.ToFloats(view.Initializers[bn.Input[4]]);
            var epsilon = GraphView.GetFloat(bn, "epsilon", 1e-5f);
            var channels = (int)weightTensor.Dims[0];
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0
                ? Tensors.ToFloats(view.Initializers[conv.Input[2]])
                : new float[channels];
            if (gamma.Length != channels || beta.Length != channels || mean.Length != channels || variance.Length != channels)
            {
                continue;
            }

            var perChannel = weights.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                weights.AsSpan(c * perChannel, perChannel).MultiplyInPlace(factor);
                bias[c] = ((bias[c] - mean[c]) * factor) + beta[c];
            }

            // New initializers: the originals may be shared with other nodes.
            var weightName = view.UniqueName(conv.Input[1] + "_bnfolded");
            var biasName = view.UniqueName(conv.Name + "_bias_bnfolded");
            view.AddInitializer(Tensors.FromFloats(weightName, weights, [.. weightTensor.Dims]));
            view.AddInitializer(Tensors.FromFloats(biasName, bias, channels));
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = biasName;
            }
            else
            {
                conv.Input.Add(biasName);
            }

            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            folded++;
        }

        GraphCleanup.Run(graph);
        return folded;
    }

    private static void MultiplyInPlace(this Span<float> span, float factor) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(span, factor, span);
}
