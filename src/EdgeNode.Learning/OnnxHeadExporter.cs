using System.Runtime.InteropServices;

namespace EdgeNode.Learning;

/// <summary>
/// Writes a head as a standalone ONNX model (opset 13): input <c>embedding</c> float[N, D] → Sub(mean) → Mul(1/std)
/// → [Gemm → Relu] → Gemm → Softmax → output <c>probabilities</c> float[N, C]; the class names are in the
/// model's metadata (<c>labels</c>, one per line). No ONNX library needed: the protobuf is written directly.
/// </summary>
public static class OnnxHeadExporter
{
    private const int FloatType = 1;
    private const int AttributeInt = 2;

    /// <summary>The ONNX model bytes of <paramref name="head"/>.</summary>
    public static byte[] Export(HeadModel head, HeadInfo info)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(info);
        if (head.Classes.Count == 0)
        {
            throw new InvalidOperationException("The head has no classes to export.");
        }

        var d = head.InputSize;
        var h = head.HiddenSize;
        var c = head.Classes.Count;
        var p = head.Parameters.AsSpan();
        var graph = new ProtoWriter().String(2, "edgenode_head");
        graph.Message(5, Tensor("mean", [d], head.Scaler.Mean));
        graph.Message(5, Tensor("inv_std", [d], head.Scaler.InvStd));
        graph.Message(1, Node("Sub", ["embedding", "mean"], "centred"));
        graph.Message(1, Node("Mul", ["centred", "inv_std"], "standardised"));
        var features = "standardised";
        if (h > 0)
        {
            graph.Message(5, Tensor("w1", [h, d], p[..(h * d)]));
            graph.Message(5, Tensor("b1", [h], p.Slice(h * d, h)));
            graph.Message(1, Node("Gemm", ["standardised", "w1", "b1"], "hidden_linear", ("transB", 1)));
            graph.Message(1, Node("Relu", ["hidden_linear"], "hidden"));
            features = "hidden";
        }

        var f = head.FeatureSizeOfOutput;
        graph.Message(5, Tensor("w", [c, f], p.Slice(head.OutputWeightsOffset, c * f)));
        graph.Message(5, Tensor("b", [c], p.Slice(head.OutputBiasOffset, c)));
        graph.Message(1, Node("Gemm", [features, "w", "b"], "logits", ("transB", 1)));
        graph.Message(1, Node("Softmax", ["logits"], "probabilities", ("axis", 1)));
        graph.Message(11, ValueInfo("embedding", d));
        graph.Message(12, ValueInfo("probabilities", c));

        return new ProtoWriter()
            .Int(1, 8)
            .String(2, "edgenode")
            .String(3, info.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, string.Empty).Int(2, 13))
            .Message(14, new ProtoWriter().String(1, "labels").String(2, string.Join('\n', head.Classes)))
            .Message(14, new ProtoWriter().String(1, "backbone").String(2, info.BackboneId))
            .ToArray();
    }

    private static ProtoWriter Tensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Int(1, dim);
        }

        return tensor.Int(2, FloatType).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values));
    }

    private static ProtoWriter Node(string op, string[] inputs, string output, params (string Name, long Value)[] attributes)
    {
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output).String(3, output + "_" + op).String(4, op);
        foreach (var (name, value) in attributes)
        {
            node.Message(5, new ProtoWriter().String(1, name).Int(3, value).Int(20, AttributeInt));
        }

        return node;
    }

    private static ProtoWriter ValueInfo(string name, int width)
    {
        var shape = new ProtoWriter()
            .Message(1, new ProtoWriter().String(2, "N"))
            .Message(1, new ProtoWriter().Int(1, width));
        var tensorType = new ProtoWriter().Int(1, FloatType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
