namespace EdgeNode.Compression.Onnx;

/// <summary>
/// Indexes of a graph (initializers, producers, consumers) for rewriting passes. Passes mutate the
/// <see cref="GraphProto"/> directly and build a new view when they need fresh indexes.
/// </summary>
internal sealed class GraphView
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public GraphView(GraphProto graph)
    {
        Graph = graph;
        foreach (var init in graph.Initializer)
        {
            Initializers[init.Name] = init;
            _names.Add(init.Name);
        }

        foreach (var input in graph.Input)
        {
            _names.Add(input.Name);
        }

        foreach (var node in graph.Node)
        {
            _names.Add(node.Name);
            foreach (var output in node.Output)
            {
                Producers[output] = node;
                _names.Add(output);
            }

            foreach (var input in node.Input)
            {
                if (input.Length == 0)
                {
                    continue;
                }

                if (!Consumers.TryGetValue(input, out var list))
                {
                    Consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        GraphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
    }

    public GraphProto Graph { get; }

    public Dictionary<string, TensorProto> Initializers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<NodeProto>> Consumers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> GraphOutputs { get; }

    public IReadOnlyList<NodeProto> ConsumersOf(string tensor) =>
        Consumers.TryGetValue(tensor, out var list) ? list : [];

    public bool IsInitializer(string name) => Initializers.ContainsKey(name);

    /// <summary>A name not yet used in the graph, derived from <paramref name="stem"/>.</summary>
    public string UniqueName(string stem)
    {
        var name = stem;
        while (!_names.Add(name))
        {
            name = $"{stem}_{++_counter}";
        }

        return name;
    }

    public void AddInitializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        Initializers[tensor.Name] = tensor;
    }

    public void ReplaceInitializer(string name, TensorProto tensor)
    {
        tensor.Name = name;
        for (var i = 0; i < Graph.Initializer.Count; i++)
        {
            if (Graph.Initializer[i].Name == name)
            {
                Graph.Initializer[i] = tensor;
                Initializers[name] = tensor;
                return;
            }
        }

        AddInitializer(tensor);
    }

    public static long GetInt(NodeProto node, string attribute, long fallback)
    {
        var a = node.Attribute.FirstOrDefault(x => x.Name == attribute);
        return a is null ? fallback : a.I;
    }

    public static float GetFloat(NodeProto node, string attribute, float fallback)
    {
        var a = node.Attribute.FirstOrDefault(x => x.Name == attribute);
        return a is null ? fallback : a.F;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
