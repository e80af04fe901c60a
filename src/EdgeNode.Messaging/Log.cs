using Microsoft.Extensions.Logging;

namespace EdgeNode.Messaging;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Connected to MQTT broker {Host}:{Port} as {ClientId}")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(2, LogLevel.Warning, "MQTT broker {Host}:{Port} unreachable, retrying with back-off (capture and inference go on): {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Disconnected from the MQTT broker ({Reason}) {Detail}")]
    public static partial void Disconnected(ILogger logger, string reason, string detail);

    [LoggerMessage(4, LogLevel.Error, "Handler for {Topic} failed")]
    public static partial void HandlerFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Could not publish the offline status on stop: {Reason}")]
    public static partial void CleanStopFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Information, "Embedded MQTT broker listening on {Endpoint}")]
    public static partial void BrokerStarted(ILogger logger, string endpoint);
}
