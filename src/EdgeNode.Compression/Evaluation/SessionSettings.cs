using EdgeNode.Inference;

namespace EdgeNode.Compression.Evaluation;

/// <summary>How the tools open a session: the node's provider chain and threads, plus tool-only switches.</summary>
/// <param name="Threads">Intra-op threads (the node's <c>EdgeNode:Inference:IntraOpThreads</c>).</param>
/// <param name="Providers">Execution providers in order of preference, with the node's fallback.</param>
/// <param name="ProfilePrefix">With a value: ORT's profiler on, files starting with this path.</param>
/// <param name="OptimizedModelPath">With a value: ORT writes the graph it optimized there.</param>
internal sealed record SessionSettings(int Threads, IReadOnlyList<string> Providers, string? ProfilePrefix = null, string? OptimizedModelPath = null)
{
    /// <summary>CPU only, as <c>compress</c> measures (its numbers compare graphs, not boards).</summary>
    public static SessionSettings Cpu(int threads) => new(threads, ["CPU"]);

    /// <summary>The node's options for these settings.</summary>
    public InferenceOptions ToInferenceOptions()
    {
        var options = new InferenceOptions { IntraOpThreads = Threads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var provider in Providers)
        {
            options.Providers.Add(provider);
        }

        return options;
    }
}
