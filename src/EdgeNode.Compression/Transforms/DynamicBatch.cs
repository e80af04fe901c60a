using System.Buffers.Binary;

namespace EdgeNode.Compression.Transforms;

/// <summary>
/// Makes the first dimension of the graph's inputs and outputs symbolic (<see cref="DimensionName"/>), so one run can
/// take several frames (the node batches frames from several cameras). Intermediate shapes recorded in
/// <c>value_info</c> are dropped (ONNX Runtime infers them again). A graph that fixes the batch itself, a Reshape to a
/// constant shape that starts with 1, cannot follow and is refused naming the node rather than rewritten.
/// </summary>
internal static class DynamicBatch
{
    /// <summary>The symbolic name given to the batch dimension.</summary>
    public const string DimensionName = "batch";

    /// <summary>Rewrites <paramref name="model"/> in place; returns the names of the inputs and outputs that now take a batch.</summary>
    /// <exception cref="CompressionException">An input or output has no first dimension, or a Reshape pins the batch at 1.</exception>
    public static IReadOnlyList<string> Apply(ModelProto model)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var constants = new Dictionary<string, TensorProto>(initializers, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1))
        {
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
            {
                constants[node.Output[0]] = value;
            }
        }

        foreach (var node in graph.Node.Where(n => n.OpType == "Reshape" && n.Domain is "" or "ai.onnx" && n.Input.Count > 1))
        {
            if (constants.TryGetValue(node.Input[1], out var shape) && FirstInt64(shape) == 1)
            {
                throw new CompressionException($"Reshape '{node.Name}' reshapes to a constant shape that starts with 1, which fixes the batch; the model cannot take a dynamic batch.");
            }
        }

        var changed = new List<string>();
        foreach (var value in graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Concat(graph.Output))
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (dims is null || dims.Count == 0)
            {
                throw new CompressionException($"'{value.Name}' has no recorded shape, so its batch dimension is unknown.");
            }

            dims[0] = new TensorShapeProto.Types.Dimension { DimParam = DimensionName };
            changed.Add(value.Name);
        }

        graph.ValueInfo.Clear();
        return changed;
    }

    private static long? FirstInt64(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Int64)
        {
            return null;
        }

        if (tensor.Int64Data.Count > 0)
        {
            return tensor.Int64Data[0];
        }

        return tensor.RawData.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(tensor.RawData.Span) : null;
    }
}
