using EdgeNode.Compression.Calibration;

namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Static int8 quantization in QDQ form: uint8 activations (a QuantizeLinear/DequantizeLinear pair per
/// calibrated tensor), per-channel symmetric int8 Conv weights, per-tensor int8 Gemm/MatMul weights and
/// int32 biases whose scale is input scale × weight scale.
/// </summary>
internal static class QdqQuantizer
{
    public static void Apply(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges)
    {
        if (Transforms.OpsetUpgrader.DefaultOpset(model) < Transforms.OpsetUpgrader.TargetOpset)
        {
            throw new CompressionException("Static quantization needs opset 13; upgrade the model first.");
        }

        var graph = model.Graph;
        var view = new GraphView(graph);
        var parameters = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        foreach (var name in QdqPlan.ActivationTensors(graph))
        {
            if (!ranges.TryGetValue(name, out var range))
            {
                throw new CompressionException($"No calibration range for tensor '{name}'.");
            }

            parameters[name] = QuantParams.FromRange(range);
        }

        foreach (var node in graph.Node.Where(n => QdqPlan.PassThroughOps.Contains(n.OpType)))
        {
            if (parameters.TryGetValue(node.Input[0], out var p) && parameters.ContainsKey(node.Output[0]))
            {
                parameters[node.Output[0]] = p;
            }
        }

        foreach (var node in graph.Node.Where(n => QdqPlan.WeightedOps.Contains(n.OpType) && QdqPlan.IsQuantizable(n, view)).ToList())
        {
            if (view.IsInitializer(node.Input[1]))
            {
                QuantizeWeights(view, node, parameters.TryGetValue(node.Input[0], out var p) ? p : null);
            }
        }

        foreach (var (name, p) in parameters)
        {
            InsertPair(view, name, p);
        }

        GraphCleanup.Run(graph);
    }

    private static void InsertPair(GraphView view, string tensor, QuantParams p)
    {
        var consumers = view.ConsumersOf(tensor).ToList();
        var dequantized = AddPair(view, tensor, p);
        foreach (var consumer in consumers)
        {
            for (var i = 0; i < consumer.Input.Count; i++)
            {
                if (consumer.Input[i] == tensor)
                {
                    consumer.Input[i] = dequantized;
                }
            }
        }
    }

    /// <summary>Adds QuantizeLinear→DequantizeLinear after <paramref name="tensor"/> (uint8, <paramref name="p"/>); returns the dequantized tensor, which nothing reads yet.</summary>
    internal static string AddPair(GraphView view, string tensor, QuantParams p)
    {
        var scale = view.UniqueName(tensor + "_scale");
        var zeroPoint = view.UniqueName(tensor + "_zero_point");
        var quantized = view.UniqueName(tensor + "_quantized");
        var dequantized = view.UniqueName(tensor + "_dequantized");
        view.AddInitializer(Tensors.FromFloats(scale, [p.Scale]));
        view.AddInitializer(Tensors.FromUInt8(zeroPoint, [p.ZeroPoint]));
        view.Graph.Node.Add(Node("QuantizeLinear", view.UniqueName(tensor + "_QuantizeLinear"), [tensor, scale, zeroPoint], quantized));
        view.Graph.Node.Add(Node("DequantizeLinear", view.UniqueName(tensor + "_DequantizeLinear"), [quantized, scale, zeroPoint], dequantized));
        return dequantized;
    }

    private static void QuantizeWeights(GraphView view, NodeProto node, QuantParams? input)
    {
        var tensor = view.Initializers[node.Input[1]];
        var weights = Tensors.ToFloats(tensor);
        var dims = tensor.Dims.ToArray();
        var perChannel = node.OpType == "Conv";
        var channels = perChannel ? (int)dims[0] : 1;
        var (values, scales) = WeightQuantizer.Quantize(weights, 1, channels, weights.Length / channels);
        var stem = node.Name.Length > 0 ? node.Name : node.Output[0];
        var q = view.UniqueName(stem + "_weight_quantized");
        var s = view.UniqueName(stem + "_weight_scale");
        var z = view.UniqueName(stem + "_weight_zero_point");
        var dq = view.UniqueName(stem + "_weight_dequantized");
        view.AddInitializer(Tensors.FromInt8(q, values, dims));
        view.AddInitializer(perChannel ? Tensors.FromFloats(s, scales, channels) : Tensors.FromFloats(s, scales));
        view.AddInitializer(perChannel ? Tensors.FromInt8(z, new sbyte[channels], channels) : Tensors.FromInt8(z, [0]));
        var dequantize = Node("DequantizeLinear", view.UniqueName(stem + "_weight_DequantizeLinear"), [q, s, z], dq);
        if (perChannel)
        {
            dequantize.Attribute.Add(GraphView.IntAttribute("axis", 0));
        }

        view.Graph.Node.Add(dequantize);
        node.Input[1] = dq;

        if (input is not { } x || node.Input.Count < 3 || !view.IsInitializer(node.Input[2]))
        {
            return;
        }

        var bias = Tensors.ToFloats(view.Initializers[node.Input[2]]);
        if (view.Initializers[node.Input[2]].Dims.Count != 1 || (perChannel && bias.Length != channels))
        {
            return;
        }

        var biasScales = new float[bias.Length];
        var biasValues = new int[bias.Length];
        for (var i = 0; i < bias.Length; i++)
        {
            biasScales[i] = x.Scale * scales[perChannel ? i : 0];
            biasValues[i] = (int)Math.Clamp(Math.Round(bias[i] / biasScales[i]), int.MinValue, int.MaxValue);
        }

        var bq = view.UniqueName(stem + "_bias_quantized");
        var bs = view.UniqueName(stem + "_bias_scale");
        var bz = view.UniqueName(stem + "_bias_zero_point");
        var bdq = view.UniqueName(stem + "_bias_dequantized");
        view.AddInitializer(Tensors.FromInt32(bq, biasValues, bias.Length));
        var sameScale = biasScales.All(v => v == biasScales[0]);
        view.AddInitializer(sameScale ? Tensors.FromFloats(bs, [biasScales[0]]) : Tensors.FromFloats(bs, biasScales, bias.Length));
        view.AddInitializer(sameScale ? Tensors.FromInt32(bz, [0]) : Tensors.FromInt32(bz, new int[bias.Length], bias.Length));
        var biasDequantize = Node("DequantizeLinear", view.UniqueName(stem + "_bias_DequantizeLinear"), [bq, bs, bz], bdq);
        if (!sameScale)
        {
            biasDequantize.Attribute.Add(GraphView.IntAttribute("axis", 0));
        }

        view.Graph.Node.Add(biasDequantize);
        node.Input[2] = bdq;
    }

    internal static NodeProto Node(string opType, string name, string[] inputs, params string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}
