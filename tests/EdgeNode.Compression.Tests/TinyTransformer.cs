using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;

namespace EdgeNode.Compression.Tests;

/// <summary>
/// A one-block transformer encoder in the shape of MiniLM: int64 <c>input_ids</c> and <c>attention_mask</c> of
/// [batch, sequence], a word-embedding Gather, LayerNormalization, single-head attention (Q·Kᵀ through a Transpose,
/// Softmax, ·V), an output projection with a residual, a two-layer feed-forward, and the token states masked.
/// </summary>
internal static class TinyTransformer
{
    public const int Vocabulary = 50;
    public const int Hidden = 32;
    public const int FeedForward = 64;

    public static ModelProto Build(int seed = 4)
    {
        var random = new Random(seed);
        var graph = new GraphProto { Name = "tiny-transformer" };
        var counter = 0;
        string Weight(params long[] dims)
        {
            var count = (int)dims.Aggregate(1L, (a, d) => a * d);
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * Math.Sqrt(3.0 / dims[0]));
            }

            var name = $"w{counter++}";
            graph.Initializer.Add(Tensors.FromFloats(name, values, dims));
            return name;
        }

        string Op(string type, string[] inputs, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = type, Name = $"{type}{counter++}" };
            node.Input.AddRange(inputs);
            node.Output.Add(node.Name + "_out");
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return node.Output[0];
        }

        graph.Input.Add(Value("input_ids", Tensors.Int64, "batch", "sequence"));
        graph.Input.Add(Value("attention_mask", Tensors.Int64, "batch", "sequence"));
        var ones = $"w{counter++}";
        graph.Initializer.Add(Tensors.FromFloats(ones, Enumerable.Repeat(1f, Hidden).ToArray(), Hidden));
        var x = Op("Gather", [Weight(Vocabulary, Hidden), "input_ids"]);
        var n = Op("LayerNormalization", [x, ones, Weight(Hidden)], new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
        var q = Op("Add", [Op("MatMul", [n, Weight(Hidden, Hidden)]), Weight(Hidden)]);
        var k = Op("MatMul", [n, Weight(Hidden, Hidden)]);
        var v = Op("MatMul", [n, Weight(Hidden, Hidden)]);
        var perm = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints };
        perm.Ints.AddRange([0, 2, 1]);
        var scores = Op("MatMul", [q, Op("Transpose", [k], perm)]);
        var probabilities = Op("Softmax", [scores], GraphView.IntAttribute("axis", -1));
        var context = Op("MatMul", [probabilities, v]);
        var y = Op("Add", [Op("MatMul", [context, Weight(Hidden, Hidden)]), x]);
        var h = Op("Relu", [Op("MatMul", [y, Weight(Hidden, FeedForward)])]);
        var z = Op("Add", [Op("MatMul", [h, Weight(FeedForward, Hidden)]), y]);
        var mask = Op("Cast", ["attention_mask"], GraphView.IntAttribute("to", Tensors.Float));
        var axes = $"w{counter++}";
        graph.Initializer.Add(Tensors.FromInt64(axes, [2], 1));
        var output = Op("Mul", [z, Op("Unsqueeze", [mask, axes])]);
        graph.Output.Add(Value(output, Tensors.Float, "batch", "sequence", null));
        var model = new ModelProto { IrVersion = 8, ProducerName = "EdgeNode.Compression.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model;
    }

    /// <summary>Token ids and a mask of ones for one sequence of <paramref name="length"/>.</summary>
    public static (long[] Ids, long[] Mask) Tokens(int length, int seed)
    {
        var random = new Random(seed);
        return ([.. Enumerable.Range(0, length).Select(_ => random.NextInt64(Vocabulary))], [.. Enumerable.Repeat(1L, length)]);
    }

    private static ValueInfoProto Value(string name, int type, params string?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is null ? new TensorShapeProto.Types.Dimension { DimValue = Hidden } : new TensorShapeProto.Types.Dimension { DimParam = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
