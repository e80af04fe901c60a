using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;

namespace EdgeNode.Compression.Tests;

/// <summary>Small ONNX models built in code, so the tests need no files from outside the repository.</summary>
internal static class TinyModels
{
    public const int ImageSize = 16;

    /// <summary>
    /// A miniature ResNet: Conv-BN-Relu stem on a 3×16×16 image, one residual block (Conv-BN-Relu-Conv-BN,
    /// Add, Relu), a downsampling block with a 1×1 shortcut conv, MaxPool and GlobalAveragePool.
    /// </summary>
    public static ModelProto ResidualCnn(long opset = 13, int seed = 1)
    {
        var b = new Builder(seed);
        b.Input("image", 1, 3, ImageSize, ImageSize);
        var x = b.Relu(b.BatchNorm(b.Conv("image", 3, 8, 3, 1)));
        var y = b.Relu(b.BatchNorm(b.Conv(x, 8, 8, 3, 1)));
        y = b.BatchNorm(b.Conv(y, 8, 8, 3, 1));
        x = b.Relu(b.Op("Add", [x, y]));
        x = b.Op("MaxPool", [x], a => a.Attribute.Add(Ints("kernel_shape", 2, 2)), a => a.Attribute.Add(Ints("strides", 2, 2)));
        var z = b.Relu(b.BatchNorm(b.Conv(x, 8, 16, 3, 1)));
        z = b.BatchNorm(b.Conv(z, 16, 16, 3, 1));
        var shortcut = b.BatchNorm(b.Conv(x, 8, 16, 1, 0));
        x = b.Relu(b.Op("Add", [z, shortcut]));
        b.Output(b.Op("GlobalAveragePool", [x]), 1, 16, 1, 1);
        return b.Build(opset);
    }

    /// <summary>A two-layer perceptron on a 1×32 vector: MatMul + bias Add, Relu, Gemm with transB.</summary>
    public static ModelProto Mlp(int seed = 2)
    {
        var b = new Builder(seed);
        b.Input("features", 1, 32);
        var h = b.Op("MatMul", ["features", b.Weight(32, 64)]);
        h = b.Relu(b.Op("Add", [h, b.Weight(64)]));
        var w = b.Weight(10, 64);
        var bias = b.Weight(10);
        var y = b.Op("Gemm", [h, w, bias], n => n.Attribute.Add(GraphView.IntAttribute("transB", 1)));
        b.Output(y, 1, 10);
        return b.Build(13);
    }

    public static float[] RandomInput(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private sealed class Builder(int seed)
    {
        private readonly GraphProto _graph = new() { Name = "tiny" };
        private readonly Random _random = new(seed);
        private int _counter;

        public void Input(string name, params long[] dims) => _graph.Input.Add(ValueInfo(name, dims));

        public void Output(string name, params long[] dims) => _graph.Output.Add(ValueInfo(name, dims));

        public string Weight(params long[] dims)
        {
            var count = (int)dims.Aggregate(1L, (a, d) => a * d);
            var fanIn = dims.Length > 1 ? dims.Skip(1).Aggregate(1L, (a, d) => a * d) : 1;
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(((_random.NextDouble() * 2) - 1) * Math.Sqrt(3.0 / fanIn));
            }

            return Constant(values, dims);
        }

        public string Constant(float[] values, params long[] dims)
        {
            var name = $"w{_counter++}";
            _graph.Initializer.Add(Tensors.FromFloats(name, values, dims));
            return name;
        }

        public string Conv(string input, int cin, int cout, int kernel, int pad) =>
            Op("Conv", [input, Weight(cout, cin, kernel, kernel), Weight(cout)],
                n => n.Attribute.Add(Ints("kernel_shape", kernel, kernel)),
                n => n.Attribute.Add(Ints("pads", pad, pad, pad, pad)));

        public string BatchNorm(string input)
        {
            var channels = (int)_graph.Initializer.Last(t => t.Dims.Count == 4).Dims[0];
            float[] Values(double lo, double hi) => [.. Enumerable.Range(0, channels).Select(_ => (float)(lo + (_random.NextDouble() * (hi - lo))))];
            return Op("BatchNormalization",
                [input, Constant(Values(0.5, 1.5), channels), Constant(Values(-0.2, 0.2), channels),
                 Constant(Values(-0.1, 0.1), channels), Constant(Values(0.5, 2), channels)],
                n => n.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-5f }));
        }

        public string Relu(string input) => Op("Relu", [input]);

        public string Op(string opType, string[] inputs, params Action<NodeProto>[] configure)
        {
            var node = new NodeProto { OpType = opType, Name = $"{opType}{_counter++}" };
            node.Input.AddRange(inputs);
            node.Output.Add(node.Name + "_out");
            foreach (var c in configure)
            {
                c(node);
            }

            _graph.Node.Add(node);
            return node.Output[0];
        }

        public ModelProto Build(long opset)
        {
            var model = new ModelProto { IrVersion = opset >= 13 ? 7 : 3, ProducerName = "EdgeNode.Compression.Tests", Graph = _graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
            if (opset < 9)
            {
                foreach (var bn in _graph.Node.Where(n => n.OpType == "BatchNormalization"))
                {
                    bn.Attribute.Add(GraphView.IntAttribute("spatial", 1));
                }
            }

            return model;
        }

        private static ValueInfoProto ValueInfo(string name, long[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            }

            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Tensors.Float, Shape = shape } },
            };
        }
    }
}
