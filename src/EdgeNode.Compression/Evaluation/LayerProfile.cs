using System.Text.Json;

namespace EdgeNode.Compression.Evaluation;

/// <summary>Per-node kernel times from an ONNX Runtime profiling file (Chrome trace JSON), in execution order.</summary>
internal static class LayerProfile
{
    /// <summary>
    /// Each node's mean time per run, leaving out its first run: the first run allocates and is not what a board sustains.
    /// ONNX Runtime writes one event per line; a file that is not valid JSON as a whole (it happens now and then with
    /// several intra-op threads, in the threads' scheduling statistics) is read line by line, skipping the broken events.
    /// </summary>
    public static IReadOnlyList<LayerTime> Read(string path)
    {
        var nodes = new Dictionary<string, (string Op, double FirstTs, List<double> Micros)>(StringComparer.Ordinal);
        foreach (var e in Events(File.ReadAllText(path)))
        {
            var name = e.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
            if (e.TryGetProperty("cat", out var c) && c.GetString() == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal)
                && e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var op))
            {
                var node = name[..^"_kernel_time".Length];
                if (!nodes.TryGetValue(node, out var entry))
                {
                    nodes[node] = entry = (op.GetString() ?? string.Empty, e.GetProperty("ts").GetDouble(), []);
                }

                entry.Micros.Add(e.GetProperty("dur").GetDouble());
            }
        }

        return [.. nodes
            .OrderBy(kv => kv.Value.FirstTs)
            .Select(kv => new LayerTime(kv.Key, kv.Value.Op, (kv.Value.Micros.Count > 1 ? kv.Value.Micros.Skip(1).Average() : kv.Value.Micros[0]) / 1000.0))];
    }

    private static List<JsonElement> Events(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        catch (JsonException)
        {
            var events = new List<JsonElement>();
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim().TrimStart('[').TrimEnd(']').TrimEnd(',').Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    using var one = JsonDocument.Parse(line);
                    events.Add(one.RootElement.Clone());
                }
                catch (JsonException)
                {
                    // A broken event: its node's time comes from its other runs.
                }
            }

            return events;
        }
    }

    /// <summary>Profiles <paramref name="runs"/> runs (plus one warm-up) of an image model with one input and returns its layer times.</summary>
    public static IReadOnlyList<LayerTime> Measure(byte[] model, float[] input, SessionSettings settings, int runs, CancellationToken cancellationToken)
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"edgenode-layers-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var session = new ModelSession(model, settings with { ProfilePrefix = prefix });
            for (var i = 0; i <= runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                session.Run(input);
            }

            return Read(session.EndProfiling());
        }
        finally
        {
            foreach (var leftover in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(prefix) + "*"))
            {
                File.Delete(leftover);
            }
        }
    }
}
