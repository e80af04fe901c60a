using Microsoft.Extensions.Logging;

namespace EdgeNode.Inference;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Execution provider {Provider} is not available on this board, falling back: {Reason}")]
    public static partial void ProviderUnavailable(ILogger logger, string provider, string reason);

    [LoggerMessage(2, LogLevel.Information, "Loaded model {ModelId} ({Precision}, sha256 {Sha256}) on {Provider} in {ElapsedMs} ms, warm-up {WarmupMs} ms")]
    public static partial void ModelLoaded(ILogger logger, string modelId, string precision, string sha256, string provider, long elapsedMs, long warmupMs);

    [LoggerMessage(3, LogLevel.Warning, "Skipping model {ModelId}: {Reason}")]
    public static partial void ModelSkipped(ILogger logger, string modelId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Installed model {Model} cannot be loaded, starting on the packaged model instead: {Reason}")]
    public static partial void InstalledModelUnusable(ILogger logger, string model, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Model state {Path} is unreadable, starting on the packaged model: {Reason}")]
    public static partial void ModelStateUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Could not delete {Path}: {Reason}")]
    public static partial void ModelDeleteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(7, LogLevel.Information, "Model updates: running {ModelId} version {Version} ({Source}); {Keys} trusted signing keys")]
    public static partial void ModelUpdatesReady(ILogger logger, string modelId, string version, string source, int keys);

    [LoggerMessage(8, LogLevel.Information, "Model transfer {TransferId} opened: {Name} {Version} in {Chunks} chunks, signed by {KeyId}")]
    public static partial void TransferOpened(ILogger logger, string transferId, string name, string version, int chunks, string keyId);

    [LoggerMessage(9, LogLevel.Warning, "Model transfer {TransferId} discarded: no progress for {TimeoutSeconds} s")]
    public static partial void TransferExpired(ILogger logger, string transferId, double timeoutSeconds);

    public static void TransferExpiredIfAny(ILogger logger, string? transferId, double timeoutSeconds)
    {
        if (transferId is not null)
        {
            TransferExpired(logger, transferId, timeoutSeconds);
        }
    }

    [LoggerMessage(10, LogLevel.Information, "Shadow run of {ModelId}: {Frames} frames, mean cosine {MeanCosine:F4}, head agreement {HeadAgreement:F3}")]
    public static partial void ShadowRun(ILogger logger, string modelId, int frames, double meanCosine, double headAgreement);

    [LoggerMessage(11, LogLevel.Information, "Swapped in model {ModelId} version {Version} (was {Previous}); health check over the next {Inferences} inferences")]
    public static partial void ModelSwapped(ILogger logger, string modelId, string version, string previous, int inferences);

    [LoggerMessage(12, LogLevel.Error, "Model {Model} failed its health check ({Reason}); rolled back to {Previous}")]
    public static partial void HealthFailed(ILogger logger, string model, string reason, string previous);

    [LoggerMessage(13, LogLevel.Information, "Model {Model} passed its health check and is the active model")]
    public static partial void ModelActive(ILogger logger, string model);

    [LoggerMessage(14, LogLevel.Error, "The active model could not be persisted; a restart would return to the previous one: {Reason}")]
    public static partial void StateSaveFailed(ILogger logger, string reason);

    [LoggerMessage(15, LogLevel.Information, "Model {ModelId}: IntraOpThreads=auto chose {Threads} threads (mean run per thread count: {Timings})")]
    public static partial void ThreadsTuned(ILogger logger, string modelId, int threads, string timings);
}
