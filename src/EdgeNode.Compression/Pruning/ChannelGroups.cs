namespace EdgeNode.Compression.Pruning;

/// <summary>
/// Partitions the graph's activation tensors into channel groups: tensors whose channel axis must stay
/// aligned (through element-wise ops, pooling and residual Adds). A group can lose channels only when
/// every tensor in it is produced by a plain Conv or a channel-preserving op, and consumed only by such
/// ops or by Convs (whose input channels are then cut to match).
/// </summary>
internal sealed class ChannelGroups
{
    private static readonly HashSet<string> s_channelwise = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool", "Identity", "Dropout",
    };

    private static readonly HashSet<string> s_elementwise = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Max", "Min", "Sum" };

    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fixed = new(StringComparer.Ordinal);

    public ChannelGroups(GraphView view)
    {
        foreach (var node in view.Graph.Node)
        {
            var activations = node.Input.Where(i => i.Length > 0 && !view.IsInitializer(i)).ToList();
            if (IsPlainConv(node, view))
            {
                Producers.Add(node);
                Consumers.Add(node);
                Find(node.Input[0]);
                Find(node.Output[0]);
            }
            else if (s_channelwise.Contains(node.OpType) && node.Input.Skip(1).All(i => i.Length == 0 || view.IsInitializer(i)))
            {
                Union(node.Input[0], node.Output[0]);
            }
            else if (s_elementwise.Contains(node.OpType) && activations.Count == node.Input.Count)
            {
                foreach (var input in node.Input)
                {
                    Union(input, node.Output[0]);
                }
            }
            else
            {
                foreach (var tensor in activations.Concat(node.Output))
                {
                    _fixed.Add(tensor);
                }
            }
        }

        _fixed.UnionWith(view.Graph.Input.Select(i => i.Name));
        _fixed.UnionWith(view.Graph.Output.Select(o => o.Name));
    }

    /// <summary>Convs whose output channels could shrink.</summary>
    public List<NodeProto> Producers { get; } = [];

    /// <summary>Convs whose input channels could shrink.</summary>
    public List<NodeProto> Consumers { get; } = [];

    public string Find(string tensor)
    {
        if (!_parent.TryGetValue(tensor, out var parent))
        {
            _parent[tensor] = tensor;
            return tensor;
        }

        if (parent == tensor)
        {
            return tensor;
        }

        var root = Find(parent);
        _parent[tensor] = root;
        return root;
    }

    /// <summary>Groups (by root) that may be pruned.</summary>
    public HashSet<string> PrunableRoots()
    {
        var fixedRoots = new HashSet<string>(_fixed.Select(Find), StringComparer.Ordinal);
        return new HashSet<string>(Producers.Select(p => Find(p.Output[0])).Where(r => !fixedRoots.Contains(r)), StringComparer.Ordinal);
    }

    private void Union(string a, string b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra != rb)
        {
            _parent[ra] = rb;
        }
    }

    private static bool IsPlainConv(NodeProto node, GraphView view) =>
        node.OpType == "Conv" && GraphView.GetInt(node, "group", 1) == 1 && view.IsInitializer(node.Input[1])
        && (node.Input.Count < 3 || node.Input[2].Length == 0 || view.IsInitializer(node.Input[2]));
}
