namespace EdgeNode.Compression.Onnx;

/// <summary>Keeps a rewritten graph valid: nodes in topological order, no dead nodes or initializers, initializers not listed as inputs.</summary>
internal static class GraphCleanup
{
    public static void Run(GraphProto graph)
    {
        SortTopologically(graph);
        RemoveDeadNodes(graph);
        var used = new HashSet<string>(graph.Node.SelectMany(n => n.Input), StringComparer.Ordinal);
        used.UnionWith(graph.Output.Select(o => o.Name));
        var keep = graph.Initializer.Where(t => used.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keep);

        // IR ≥ 4 lets initializers stay out of the inputs; listed there, ORT treats them as overridable
        // and will not constant-fold or fuse them into integer kernels.
        var initializerNames = new HashSet<string>(keep.Select(t => t.Name), StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializerNames.Contains(i.Name) && used.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
        var valueInfo = graph.ValueInfo.Where(v => used.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(valueInfo);
    }

    private static void RemoveDeadNodes(GraphProto graph)
    {
        var live = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var keep = new List<NodeProto>();
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(live.Contains))
            {
                keep.Add(node);
                live.UnionWith(node.Input);
            }
        }

        keep.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(keep);
    }

    private static void SortTopologically(GraphProto graph)
    {
        var available = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        available.UnionWith(graph.Initializer.Select(t => t.Name));
        available.Add(string.Empty);
        var pending = graph.Node.ToList();
        var sorted = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            var progressed = false;
            for (var i = 0; i < pending.Count; i++)
            {
                var node = pending[i];
                if (node.Input.All(available.Contains))
                {
                    sorted.Add(node);
                    available.UnionWith(node.Output);
                    pending.RemoveAt(i--);
                    progressed = true;
                }
            }

            if (!progressed)
            {
                throw new CompressionException($"The graph has a cycle or a missing input at node '{pending[0].Name}' ({pending[0].OpType}).");
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(sorted);
    }
}
