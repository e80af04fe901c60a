namespace EdgeNode;

/// <summary>The node host's log messages (source-generated); each is written under its service's category.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(1, LogLevel.Debug, "Model chunk for transfer {TransferId} refused: {Reason}")]
    public static partial void ModelChunkRefused(ILogger logger, string transferId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Frame {FrameSeq} skipped: {Reason}")]
    public static partial void FrameFailed(ILogger logger, long frameSeq, string reason);

    [LoggerMessage(3, LogLevel.Information, "Pipeline started: camera {Source}, model {ModelId} on {Provider}, continuing after result seq {Seq}")]
    public static partial void PipelineStarted(ILogger logger, string source, string modelId, string provider, long seq);

    [LoggerMessage(32, LogLevel.Information, "Pipeline: {Cameras} camera(s) share one session, up to {InFlight} runs (a frame or a batch) in flight, {Batching}")]
    public static partial void PipelineShape(ILogger logger, int cameras, int inFlight, string batching);

    [LoggerMessage(33, LogLevel.Error, "Camera {Camera} stopped for good, the other cameras run on: {Reason}")]
    public static partial void CameraEnded(ILogger logger, string camera, string reason);

    [LoggerMessage(4, LogLevel.Error, "Results {FirstSeq} to {LastSeq} could not be stored: {Reason}")]
    public static partial void PipelineStoreFailed(ILogger logger, long firstSeq, long lastSeq, string reason);

    [LoggerMessage(5, LogLevel.Debug, "Telemetry not published: {Reason}")]
    public static partial void TelemetryFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Information, "systemd watchdog: pinging every {Seconds} s")]
    public static partial void WatchdogPinging(ILogger logger, double seconds);

    [LoggerMessage(7, LogLevel.Error, "systemd watchdog: pings withheld, unhealthy: {Checks}; systemd will restart the node")]
    public static partial void WatchdogWithheld(ILogger logger, string checks);

    [LoggerMessage(8, LogLevel.Warning, "Label button press ({Label}) not applied: {Reason}")]
    public static partial void GpioLabelRejected(ILogger logger, string label, string reason);

    [LoggerMessage(9, LogLevel.Information, "Sparkplug B on: {BirthTopic} with {Count} metrics; the MQTT will is the NDEATH")]
    public static partial void SparkplugEnabled(ILogger logger, string birthTopic, int count);

    [LoggerMessage(10, LogLevel.Information, "Sparkplug rebirth requested by NCMD: NBIRTH published again")]
    public static partial void SparkplugReborn(ILogger logger);

    [LoggerMessage(11, LogLevel.Warning, "Sparkplug NCMD on {Topic} ignored: {Reason}")]
    public static partial void SparkplugCommandIgnored(ILogger logger, string topic, string reason);

    [LoggerMessage(12, LogLevel.Debug, "Sparkplug message not published: {Reason}")]
    public static partial void SparkplugPublishFailed(ILogger logger, string reason);

    [LoggerMessage(13, LogLevel.Error, "Sparkplug metrics could not be encoded")]
    public static partial void SparkplugMetricsInvalid(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "Federated learning: fleet {Fleet}, signing key {KeyPath}")]
    public static partial void FederatedStarted(ILogger logger, string fleet, string keyPath);

    [LoggerMessage(15, LogLevel.Warning, "Federated signing key created; register {PublicKey} with the aggregator (its KeysPath)")]
    public static partial void FederatedKeyCreated(ILogger logger, string publicKey);

    [LoggerMessage(16, LogLevel.Information, "Adopted global head v{GlobalVersion} as head v{HeadVersion} ({Classes} classes)")]
    public static partial void FederatedAdopted(ILogger logger, long globalVersion, int headVersion, int classes);

    [LoggerMessage(40, LogLevel.Information, "Statistics round of global head v{Version}: sending the statistics of {Samples} labels (the ledger's training split and the stored validation samples)")]
    public static partial void FederatedStatistics(ILogger logger, long version, double samples);

    [LoggerMessage(41, LogLevel.Information, "Statistics round of global head v{Version}: the ledger holds labels of class '{Label}', which the fleet head lacks; sending the statistics of the stored samples of the fleet's classes instead")]
    public static partial void FederatedStatisticsFallback(ILogger logger, long version, string label);

    [LoggerMessage(17, LogLevel.Information, "Training from global head v{Version} on {Samples} local samples ({Skipped} skipped: other backbone or class not in the fleet head)")]
    public static partial void FederatedTraining(ILogger logger, long version, int samples, int skipped);

    [LoggerMessage(32, LogLevel.Warning, "The private key {KeyPath} is readable by its group or others; chmod 600 it (anyone who reads it can sign as this node)")]
    public static partial void KeyFileExposed(ILogger logger, string keyPath);

    [LoggerMessage(33, LogLevel.Warning, "No aggregator key in {Path}: global heads are taken unsigned, guarded only by the broker's ACL (copy the aggregator's global.pem there)")]
    public static partial void GlobalHeadsUnverified(ILogger logger, string path);

    [LoggerMessage(18, LogLevel.Warning, "Federated round not completed: {Reason}")]
    public static partial void FederatedRoundFailed(ILogger logger, string reason);

    [LoggerMessage(19, LogLevel.Information, "Head version {Version} loaded: {Classes} classes, validation accuracy {Accuracy:F3}")]
    public static partial void HeadLoaded(ILogger logger, int version, int classes, double accuracy);

    [LoggerMessage(20, LogLevel.Warning, "Head version {Version} was trained on backbone {HeadBackbone}, not {Backbone}; results carry no label until a head is trained on this backbone")]
    public static partial void HeadBackboneMismatch(ILogger logger, int version, string headBackbone, string backbone);

    [LoggerMessage(21, LogLevel.Information, "Head version {Version} accepted and active: {Classes} classes; {Reason}")]
    public static partial void HeadAccepted(ILogger logger, int version, int classes, string reason);

    [LoggerMessage(22, LogLevel.Warning, "New head rejected by the validation gate, the active head stays: {Reason}")]
    public static partial void HeadRejected(ILogger logger, string reason);

    [LoggerMessage(23, LogLevel.Information, "No training run: {Reason}")]
    public static partial void HeadNotTrained(ILogger logger, string reason);

    [LoggerMessage(24, LogLevel.Warning, "Rolled back to head version {Version}")]
    public static partial void HeadRolledBack(ILogger logger, int version);

    [LoggerMessage(25, LogLevel.Warning, "Publishing from the outbox stopped, will retry after reconnect: {Reason}")]
    public static partial void OutboxPublishFailed(ILogger logger, string reason);

    [LoggerMessage(26, LogLevel.Information, "Final outbox drain incomplete on stop (kept for the next start): {Reason}")]
    public static partial void OutboxFinalDrainIncomplete(ILogger logger, string reason);

    [LoggerMessage(27, LogLevel.Error, "Outbox storage failed, retrying: {Reason}")]
    public static partial void OutboxStorageFailed(ILogger logger, string reason);

    [LoggerMessage(28, LogLevel.Warning, "Reporting {Dropped} undelivered items dropped by the size cap while offline")]
    public static partial void OutboxDropsReported(ILogger logger, long dropped);

    [LoggerMessage(31, LogLevel.Error, "Outbox item seq {Seq} on {Topic} dead-lettered, not sent again: {Reason}")]
    public static partial void OutboxDeadLettered(ILogger logger, long seq, string topic, string reason);

    [LoggerMessage(29, LogLevel.Information, "Health: healthy")]
    public static partial void Healthy(ILogger logger);

    [LoggerMessage(30, LogLevel.Warning, "Health: {Status}: {Detail}")]
    public static partial void HealthNotHealthy(ILogger logger, string status, string detail);

    [LoggerMessage(32, LogLevel.Warning, "The discriminant statistics ledger cannot be read ({Problem}); the next training run rebuilds it from the stored samples")]
    public static partial void LedgerUnreadable(ILogger logger, string problem);

    [LoggerMessage(200, LogLevel.Information, "Split: serving the tail of model {Model} cut at {Cut} on {Url}")]
    public static partial void SplitTailServing(ILogger logger, string model, string cut, string url);

    [LoggerMessage(201, LogLevel.Information, "Split: head {Peer} opened a stream ({Streams} now)")]
    public static partial void SplitStreamOpened(ILogger logger, string peer, int streams);

    [LoggerMessage(202, LogLevel.Information, "Split: head {Peer} closed its stream ({Streams} now)")]
    public static partial void SplitStreamClosed(ILogger logger, string peer, int streams);

    [LoggerMessage(203, LogLevel.Warning, "Split: refused frames from {Peer}: {Reason}")]
    public static partial void SplitRefused(ILogger logger, string peer, string reason);

    [LoggerMessage(204, LogLevel.Information, "Split: streaming activations of {Cut} ({Encoding}, up to {MaxInFlight} frames in flight) to the tail at {Peer}")]
    public static partial void SplitConnected(ILogger logger, string cut, string encoding, int maxInFlight, string peer);

    [LoggerMessage(205, LogLevel.Warning, "Split: degraded, {Fallback}: {Reason}")]
    public static partial void SplitDegraded(ILogger logger, string fallback, string reason);

    [LoggerMessage(206, LogLevel.Warning, "Split: the running model is {Running}, but the cut was made from {Cut}; frames run locally until they match")]
    public static partial void SplitModelMismatch(ILogger logger, string running, string cut);

    [LoggerMessage(207, LogLevel.Warning, "Split: cannot publish the discovery status: {Reason}")]
    public static partial void SplitStatusNotPublished(ILogger logger, string reason);

    [LoggerMessage(208, LogLevel.Warning, "Split: ignored a discovery message on {Topic}: {Reason}")]
    public static partial void SplitDiscoveryIgnored(ILogger logger, string topic, string reason);

    [LoggerMessage(209, LogLevel.Information, "Split: stopped; {Remote} frames were finished by the tail, {Local} ran locally, {Cached} reused their camera's last result")]
    public static partial void SplitStopped(ILogger logger, long remote, long local, long cached);

    [LoggerMessage(210, LogLevel.Warning, "Split: frame {Seq} from {Peer} cannot be run, answered with an error and the stream goes on: {Reason}")]
    public static partial void SplitFrameRejected(ILogger logger, string peer, long seq, string reason);

    [LoggerMessage(211, LogLevel.Information, "Split: sent {Bytes} bytes in {Frames} frames of {Cut} to the tail")]
    public static partial void SplitSent(ILogger logger, long bytes, long frames, string cut);
}
