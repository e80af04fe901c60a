namespace EdgeNode.Compression.Quantization;

/// <summary>
/// ONNX Runtime's fast symmetric int8 convolution (MLAS "ConvSym", indirect, VNNI) needs a multiple of 4
/// input channels; an RGB stem conv (3 channels) falls back to a slow im2col path that costs as much as
/// the float conv. Padding the input with zero channels and the weights with zero filters keeps the
/// result identical and lets the stem run on the fast kernel.
/// </summary>
internal static class ConvChannelAligner
{
    private const int Alignment = 4;

    /// <summary>Returns the number of convs padded.</summary>
    public static int Apply(GraphProto graph)
    {
        var view = new GraphView(graph);
        var padded = 0;
        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv" && GraphView.GetInt(n, "group", 1) == 1).ToList())
        {
            if (!view.Initializers.TryGetValue(conv.Input[1], out var weight) || weight.Dims.Count != 4 || weight.Dims[1] % Alignment == 0)
            {
                continue;
            }

            var channels = (int)weight.Dims[1];
            var target = ((channels / Alignment) + 1) * Alignment;
            var outputs = (int)weight.Dims[0];
            var spatial = (int)(weight.Dims[2] * weight.Dims[3]);
            var values = Tensors.ToFloats(weight);
            var widened = new float[outputs * target * spatial];
            for (var o = 0; o < outputs; o++)
            {
                values.AsSpan(o * channels * spatial, channels * spatial).CopyTo(widened.AsSpan(o * target * spatial));
            }

            var weightName = view.UniqueName(conv.Input[1] + "_channel_aligned");
            view.AddInitializer(Tensors.FromFloats(weightName, widened, outputs, target, weight.Dims[2], weight.Dims[3]));
            var pads = view.UniqueName(conv.Name + "_input_pads");
            view.AddInitializer(Tensors.FromInt64(pads, [0, 0, 0, 0, 0, target - channels, 0, 0], 8));
            var paddedInput = view.UniqueName(conv.Input[0] + "_channel_aligned");
            var pad = QdqQuantizer.Node("Pad", view.UniqueName(conv.Name + "_ChannelPad"), [conv.Input[0], pads], paddedInput);
            graph.Node.Insert(graph.Node.IndexOf(conv), pad);
            conv.Input[0] = paddedInput;
            conv.Input[1] = weightName;
            padded++;
        }

        GraphCleanup.Run(graph);
        return padded;
    }
}
