using System.Text.Json;

namespace EdgeNode.Compression.Evaluation;

/// <summary>Time per run spent in one operator type, from an ONNX Runtime profile.</summary>
/// <param name="Op">Operator type as ONNX Runtime ran it (after its graph optimizations).</param>
/// <param name="Nodes">Nodes of that type.</param>
/// <param name="MsPerRun">Kernel time per model run, all nodes of the type together.</param>
/// <param name="Share">Fraction of all kernel time.</param>
public sealed record OpTime(string Op, int Nodes, double MsPerRun, double Share);

/// <summary>Summarises an ONNX Runtime profiling file (Chrome trace JSON) by operator type.</summary>
internal static class OpProfile
{
    /// <summary>Kernel time per run by op type, largest first; runs are the profile's <c>model_run</c> events.</summary>
    public static IReadOnlyList<OpTime> Summarize(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var totals = new Dictionary<string, (double Micros, HashSet<string> Nodes)>(StringComparer.Ordinal);
        var runs = 0;
        foreach (var e in document.RootElement.EnumerateArray())
        {
            var name = e.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
            var category = e.TryGetProperty("cat", out var c) ? c.GetString() : null;
            if (category == "Session" && name == "model_run")
            {
                runs++;
            }
            else if (category == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal)
                && e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var op) && op.GetString() is { } opName)
            {
                var entry = totals.TryGetValue(opName, out var t) ? t : (0, new HashSet<string>(StringComparer.Ordinal));
                entry.Nodes.Add(name);
                totals[opName] = (entry.Micros + e.GetProperty("dur").GetDouble(), entry.Nodes);
            }
        }

        var all = totals.Values.Sum(t => t.Micros);
        return [.. totals
            .Select(kv => new OpTime(kv.Key, kv.Value.Nodes.Count, kv.Value.Micros / 1000.0 / Math.Max(1, runs), all > 0 ? kv.Value.Micros / all : 0))
            .OrderByDescending(t => t.MsPerRun)];
    }
}
