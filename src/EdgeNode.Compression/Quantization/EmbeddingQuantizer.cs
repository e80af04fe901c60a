namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Embedding tables (a Gather on axis 0 of a constant 2-D float table, as a transformer's word, position and
/// token-type embeddings) to int8 with one scale per hidden channel: the Gather picks int8 rows and a
/// DequantizeLinear on the last axis restores float. In MiniLM the word table is half the file, so without this
/// a transformer's size barely moves when only its MatMuls are quantized.
/// </summary>
internal static class EmbeddingQuantizer
{
    /// <summary>Returns the number of tables quantized.</summary>
    public static int Apply(ModelProto model)
    {
        var perChannel = Transforms.OpsetUpgrader.DefaultOpset(model) >= 13;
        if (Transforms.OpsetUpgrader.DefaultOpset(model) < 10)
        {
            return 0;
        }

        var view = new GraphView(model.Graph);
        var count = 0;
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "Gather" && n.Domain is "" or "ai.onnx").ToList())
        {
            if (!view.Initializers.TryGetValue(node.Input[0], out var table) || table.Dims.Count != 2 || table.DataType != Tensors.Float
                || GraphView.GetInt(node, "axis", 0) != 0 || view.ConsumersOf(node.Input[0]).Count != 1)
            {
                continue;
            }

            int rows = (int)table.Dims[0], cols = (int)table.Dims[1];
            var (values, scales) = perChannel
                ? WeightQuantizer.Quantize(Tensors.ToFloats(table), rows, cols, 1)
                : WeightQuantizer.Quantize(Tensors.ToFloats(table), 1, 1, rows * cols);
            var stem = node.Name.Length > 0 ? node.Name : node.Output[0];
            string Name(string suffix) => view.UniqueName($"{stem}_{suffix}");
            var (q, s, z, gathered) = (Name("table_quantized"), Name("table_scale"), Name("table_zero_point"), Name("gathered_quantized"));
            view.AddInitializer(Tensors.FromInt8(q, values, rows, cols));
            view.AddInitializer(perChannel ? Tensors.FromFloats(s, scales, cols) : Tensors.FromFloats(s, scales));
            view.AddInitializer(perChannel ? Tensors.FromInt8(z, new sbyte[cols], cols) : Tensors.FromInt8(z, [0]));
            var output = node.Output[0];
            node.Input[0] = q;
            node.Output[0] = gathered;
            var dequantize = QdqQuantizer.Node("DequantizeLinear", Name("DequantizeLinear"), [gathered, s, z], output);
            if (perChannel)
            {
                dequantize.Attribute.Add(GraphView.IntAttribute("axis", -1));
            }

            model.Graph.Node.Insert(model.Graph.Node.IndexOf(node) + 1, dequantize);
            count++;
        }

        GraphCleanup.Run(model.Graph);
        return count;
    }
}
