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
}
