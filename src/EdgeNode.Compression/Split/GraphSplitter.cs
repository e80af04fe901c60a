namespace EdgeNode.Compression.Split;

/// <summary>
/// Cuts an ONNX graph into a head and a tail at a tensor that is the only one crossing: the head is the tensor's
/// ancestors, the tail everything else, and nothing but that tensor flows from one to the other.
/// </summary>
internal static class GraphSplitter
{
    /// <summary>
    /// The tensors a graph can be cut at, in topological order of their producers: node outputs (not the model's
    /// outputs) whose ancestors hand nothing else to the rest of the graph.
    /// </summary>
    public static IReadOnlyList<string> CutPoints(ModelProto model)
    {
        var graph = Sorted(model).Graph;
        var cuts = new List<string>();
        foreach (var node in graph.Node)
        {
            foreach (var tensor in node.Output.Where(t => t.Length > 0))
            {
                if (Crossing(graph, tensor) is [var only] && only == tensor && !IsWholeGraph(graph, tensor))
                {
                    cuts.Add(tensor);
                }
            }
        }

        return cuts;
    }

    /// <summary>Splits <paramref name="model"/> at <paramref name="tensor"/>; the head's inputs and the tail's outputs keep the model's names.</summary>
    /// <exception cref="CompressionException">The tensor is not a node output, is a model output, or is not the only tensor crossing.</exception>
    public static (ModelProto Head, ModelProto Tail) Split(ModelProto model, string tensor, int elementType, IReadOnlyList<long> shape)
    {
        var sorted = Sorted(model);
        var graph = sorted.Graph;
        if (!graph.Node.Any(n => n.Output.Contains(tensor)))
        {
            throw new CompressionException($"'{tensor}' is not produced by any node of the model; cut at a node's output (see the offered cuts).");
        }

        if (graph.Output.Any(o => o.Name == tensor) || IsWholeGraph(graph, tensor))
        {
            throw new CompressionException($"'{tensor}' is the model's output: cutting there leaves no tail.");
        }

        var crossing = Crossing(graph, tensor);
        if (crossing is not [var only] || only != tensor)
        {
            throw new CompressionException(
                $"Cutting at '{tensor}' leaves {crossing.Count} tensors crossing from head to tail ({string.Join(", ", crossing)}); only cuts where exactly one tensor crosses are supported.");
        }

        var headNodes = Ancestors(graph, tensor);
        var head = Part(sorted, graph.Node.Where(headNodes.Contains), graph.Input, [Describe(tensor, elementType, shape)]);
        var tail = Part(sorted, graph.Node.Where(n => !headNodes.Contains(n)), [Describe(tensor, elementType, shape)], graph.Output);
        return (head, tail);
    }

    /// <summary>The names of the nodes the head ending at <paramref name="tensor"/> runs.</summary>
    public static IReadOnlySet<string> HeadNodeNames(ModelProto model, string tensor) =>
        Ancestors(Sorted(model).Graph, tensor).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The tensors the head ending at <paramref name="tensor"/> would hand to the tail (model inputs and outputs included).</summary>
    internal static IReadOnlyList<string> Crossing(GraphProto graph, string tensor)
    {
        var head = Ancestors(graph, tensor);
        var initializers = new HashSet<string>(graph.Initializer.Select(i => i.Name), StringComparer.Ordinal);
        var available = new HashSet<string>(head.SelectMany(n => n.Output), StringComparer.Ordinal);
        available.UnionWith(graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)));
        var needed = graph.Node.Where(n => !head.Contains(n)).SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name));
        return [.. needed.Where(available.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static HashSet<NodeProto> Ancestors(GraphProto graph, string tensor)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var nodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>([tensor]);
        while (pending.TryPop(out var name))
        {
            if (producers.TryGetValue(name, out var node) && nodes.Add(node))
            {
                foreach (var input in node.Input)
                {
                    pending.Push(input);
                }
            }
        }

        return nodes;
    }

    // A tensor whose ancestors are every node is the end of the graph: a "cut" there is no cut.
    private static bool IsWholeGraph(GraphProto graph, string tensor) => Ancestors(graph, tensor).Count == graph.Node.Count;

    private static ModelProto Sorted(ModelProto model)
    {
        var copy = model.Clone();
        GraphCleanup.Run(copy.Graph);
        return copy;
    }

    private static ModelProto Part(ModelProto whole, IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs)
    {
        var part = whole.Clone();
        var graph = part.Graph;
        graph.Node.Clear();
        graph.Node.AddRange(nodes.Select(n => n.Clone()));
        graph.Input.Clear();
        graph.Input.AddRange(inputs.Select(i => i.Clone()));
        graph.Output.Clear();
        graph.Output.AddRange(outputs.Select(o => o.Clone()));

        // GraphCleanup keeps only the initializers, inputs and value infos this half uses.
        GraphCleanup.Run(graph);
        return part;
    }

    private static ValueInfoProto Describe(string name, int elementType, IReadOnlyList<long> shape)
    {
        var dims = new TensorShapeProto();
        foreach (var d in shape)
        {
            dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = dims } } };
    }
}
