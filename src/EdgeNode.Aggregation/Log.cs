using Microsoft.Extensions.Logging;

namespace EdgeNode.Aggregation;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Aggregator resumed at global v{Version}, round {Round}, with {Updates} stored updates")]
    public static partial void Resumed(ILogger logger, long version, long round, int updates);

    [LoggerMessage(2, LogLevel.Information, "Round {Round} closed: {Used} updates used, {Rejected} rejected; global v{Version} published")]
    public static partial void RoundClosed(ILogger logger, long round, int used, int rejected, long version);

    [LoggerMessage(3, LogLevel.Warning, "Update on {Topic} rejected: {Reason}")]
    public static partial void UpdateRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Update from {Node} left out at round close: {Reason}")]
    public static partial void UpdateRejectedAtClose(ILogger logger, string node, string reason);

    [LoggerMessage(5, LogLevel.Warning, "A stored update could not be used after restart: {Reason}")]
    public static partial void StoredUpdateDropped(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Publishing on {Topic} failed, retried at the next tick: {Reason}")]
    public static partial void PublishFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(7, LogLevel.Information, "Site forwarded its partial aggregate of {Updates} updates ({Samples} samples) to fleet {Parent}")]
    public static partial void Forwarded(ILogger logger, int updates, long samples, string parent);

    [LoggerMessage(8, LogLevel.Debug, "Update from {Topic}: {Outcome}")]
    public static partial void UpdateReceived(ILogger logger, string topic, UpdateOutcome outcome);

    [LoggerMessage(9, LogLevel.Warning, "The parent's global head on {Topic} is not valid: {Reason}")]
    public static partial void ParentGlobalInvalid(ILogger logger, string topic, string reason);

    [LoggerMessage(10, LogLevel.Information, "Statistics round {Round} closed: {Updates} updates, {Samples} samples summed, shrinkage {Shrinkage}; discriminant published as global v{Version}")]
    public static partial void StatisticsRoundClosed(ILogger logger, long round, int updates, double samples, double shrinkage, long version);

    [LoggerMessage(11, LogLevel.Warning, "Statistics update from {Node} bounded: {Reason}")]
    public static partial void StatisticsBounded(ILogger logger, string node, string reason);

    [LoggerMessage(13, LogLevel.Error, "Statistics round {Round}: the sum of {Updates} updates could not be fitted ({Reason}); the round stays open until more arrive or the deadline")]
    public static partial void StatisticsUnfit(ILogger logger, long round, int updates, string reason);

    [LoggerMessage(12, LogLevel.Warning, "The retained global head on {Topic} was replaced ({Reason}); republishing the current one (check the broker ACL)")]
    public static partial void GlobalReplaced(ILogger logger, string topic, string reason);

    [LoggerMessage(20, LogLevel.Warning, "The head-signing key {KeyPath} is readable by its group or others; chmod 600 it (anyone who reads it can sign global heads)")]
    public static partial void KeyFileExposed(ILogger logger, string keyPath);

    [LoggerMessage(14, LogLevel.Information, "Validation gate, round {Round}: global v{Candidate} scores {CandidateAccuracy} against the fleet head v{Incumbent}'s {IncumbentAccuracy} on {Samples} pooled validation samples; fleet head v{Served}")]
    public static partial void GateDecided(ILogger logger, long round, long candidate, double candidateAccuracy, long incumbent, double incumbentAccuracy, double samples, long served);
}
