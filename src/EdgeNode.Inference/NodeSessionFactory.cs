using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>
/// Opens an <see cref="InferenceSession"/> the way the node does: the provider chain of
/// <see cref="InferenceOptions.EffectiveProviders"/> with fallback, <see cref="InferenceOptions.IntraOpThreads"/> and
/// the node's graph optimisation. The node's backbone and the <c>bench</c>/<c>compress</c> tools share it, so a
/// benchmark measures the session the node runs.
/// </summary>
public static class NodeSessionFactory
{
    /// <summary>Opens the model file at <paramref name="path"/>.</summary>
    /// <param name="path">ONNX file.</param>
    /// <param name="options">Providers and threads, as configured for the node.</param>
    /// <param name="logger">Receives one line per provider that is not available here.</param>
    /// <param name="configure">Tool-only additions applied after the node's options (profiling, optimized-model dump).</param>
    /// <returns>The session and the preferred provider that was appended.</returns>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the model.</exception>
    /// <param name="threads">Intra-op threads overriding <see cref="InferenceOptions.IntraOpThreads"/> (the thread tuner tries each count).</param>
    public static (InferenceSession Session, string Provider) Open(string path, InferenceOptions options, ILogger logger, Action<SessionOptions>? configure = null, int? threads = null) =>
        Open(sessionOptions => new InferenceSession(path, sessionOptions), path, options, logger, configure, threads);

    /// <summary>Opens a model held in memory; see <see cref="Open(string, InferenceOptions, ILogger, Action{SessionOptions}?, int?)"/>.</summary>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the model.</exception>
    public static (InferenceSession Session, string Provider) Open(byte[] model, InferenceOptions options, ILogger logger, Action<SessionOptions>? configure = null) =>
        Open(sessionOptions => new InferenceSession(model, sessionOptions), "the model", options, logger, configure, null);

    private static (InferenceSession Session, string Provider) Open(
        Func<SessionOptions, InferenceSession> create, string what, InferenceOptions options, ILogger logger, Action<SessionOptions>? configure, int? threads)
    {
        ArgumentNullException.ThrowIfNull(options);

        // "auto" outside the node's tuner (tools opening a session directly) means the runtime's default.
        var (sessionOptions, provider) = ExecutionProviders.CreateSessionOptions(options.EffectiveProviders, threads ?? options.FixedThreads ?? 0, logger);
        using (sessionOptions)
        {
            try
            {
                configure?.Invoke(sessionOptions);
                return (create(sessionOptions), provider);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelLoadException($"ONNX Runtime cannot load '{what}': {ex.Message}", ex);
            }
        }
    }
}
