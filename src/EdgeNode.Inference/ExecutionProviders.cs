using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>
/// Builds <see cref="SessionOptions"/> from an ordered provider list, falling back past providers whose
/// libraries are missing on this board (the CPU package throws when CUDA or TensorRT is appended).
/// </summary>
public static class ExecutionProviders
{
    /// <summary>Known provider names, case-insensitive.</summary>
    public static IReadOnlyList<string> Known { get; } = ["TensorRT", "CUDA", "CPU"];

    /// <summary>
    /// Creates session options with the first available providers appended in order. Returns the name of
    /// the preferred provider that was appended (ONNX Runtime then assigns the rest of the graph to the
    /// next ones, CPU last).
    /// </summary>
    public static (SessionOptions Options, string Provider) CreateSessionOptions(IEnumerable<string> providers, int intraOpThreads, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        string? chosen = null;
        foreach (var provider in providers)
        {
            if (string.Equals(provider, "CPU", StringComparison.OrdinalIgnoreCase))
            {
                chosen ??= "CPU";
                break;
            }

            try
            {
                if (string.Equals(provider, "TensorRT", StringComparison.OrdinalIgnoreCase))
                {
                    options.AppendExecutionProvider_Tensorrt(0);
                }
                else if (string.Equals(provider, "CUDA", StringComparison.OrdinalIgnoreCase))
                {
                    options.AppendExecutionProvider_CUDA(0);
                }
                else
                {
                    throw new ModelLoadException($"Unknown execution provider '{provider}' (known: {string.Join(", ", Known)}).");
                }

                chosen ??= Known.First(k => string.Equals(k, provider, StringComparison.OrdinalIgnoreCase));
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                Log.ProviderUnavailable(logger, provider, ex.Message);
            }
        }

        return (options, chosen ?? "CPU");
    }
}
