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

    [LoggerMessage(7, LogLevel.Warning, "MQTT broker {Host}:{Port} refused the connection, retrying with back-off (capture and inference go on): {Reason}")]
    public static partial void ConnectRefused(ILogger logger, string host, int port, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Message on {Topic} dropped: {Length} bytes, more than EdgeNode:Mqtt:MaxPacketBytes ({Max})")]
    public static partial void OversizedMessageDropped(ILogger logger, string topic, long length, int max);

    [LoggerMessage(20, LogLevel.Error, "Command {Verb} failed")]
    public static partial void CommandFailed(ILogger logger, string verb, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Command {Verb} rejected: {Code} {Message}")]
    public static partial void CommandRejected(ILogger logger, string verb, string code, string message);

    [LoggerMessage(22, LogLevel.Information, "Command {Verb} done")]
    public static partial void CommandDone(ILogger logger, string verb);

    [LoggerMessage(23, LogLevel.Warning, "Reply to command {Verb} on {ResponseTopic} not sent: {Reason}")]
    public static partial void ReplyFailed(ILogger logger, string verb, string responseTopic, string reason);

    [LoggerMessage(24, LogLevel.Warning, "Retained command on {Topic} dropped unexecuted: commands run only when sent; clear it with an empty retained message")]
    public static partial void RetainedCommandDropped(ILogger logger, string topic);

    [LoggerMessage(30, LogLevel.Warning, "Home Assistant discovery not published: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, string reason);

    [LoggerMessage(40, LogLevel.Warning, "Sparkplug bdSeq file {Path} unreadable ({Detail}); bdSeq starts again at 0")]
    public static partial void SparkplugBdSeqDamaged(ILogger logger, string path, string detail);

    [LoggerMessage(41, LogLevel.Warning, "Sparkplug bdSeq not saved to {Path} (it goes on in memory): {Reason}")]
    public static partial void SparkplugBdSeqNotSaved(ILogger logger, string path, string reason);
}
