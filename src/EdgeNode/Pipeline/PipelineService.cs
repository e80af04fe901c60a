using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Pipeline;

/// <summary>
/// Capture → bounded drop-oldest channel → <see cref="FrameProcessor"/> → result committed to the outbox
/// (<see cref="MessageWriter"/>) → publisher. Capture never waits for inference, storage or MQTT; a lost broker only
/// grows the outbox.
/// </summary>
internal sealed partial class PipelineService(
    IFrameSource source,
    FrameChannel channel,
    FrameProcessor processor,
    IOutboxStore store,
    MessageWriter writer,
    NodeIdentity identity,
    ILogger<PipelineService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var seq = await store.GetLastSequenceAsync(MessageKind.Result, stoppingToken);
        var model = processor.Model;
        LogStarted(logger, source.Name, model.Id, model.ExecutionProvider, seq);

        using var captureStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var capture = channel.PumpAsync(source, captureStop.Token);
        try
        {
            await foreach (var frame in channel.Reader.ReadAllAsync(stoppingToken))
            {
                using (frame)
                {
                    if (processor.Process(frame, seq + 1) is not { } result)
                    {
                        continue;
                    }

                    seq = result.Seq;

                    // Committed before anything else happens to it; never cancelled half-way.
                    var message = writer.Create(MessageKind.Result, identity.Topics.Results, result.Id, result.Timestamp, result.Seq, result, ResultJson.WriteBody, 320);
                    try
                    {
                        await writer.AppendAsync([message]);
                    }
                    catch (IOException ex)
                    {
                        // Full disk or I/O error: the store counts and reports it; the node keeps running.
                        LogStoreFailed(logger, result.Seq, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the frame in flight was finished and stored above.
        }
        finally
        {
            await captureStop.CancelAsync();
            try
            {
                await capture;
            }
            catch (OperationCanceledException)
            {
                // Capture stopped.
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Pipeline started: camera {Source}, model {ModelId} on {Provider}, continuing after result seq {Seq}")]
    private static partial void LogStarted(ILogger logger, string source, string modelId, string provider, long seq);

    [LoggerMessage(3, LogLevel.Error, "Result {Seq} could not be stored: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, long seq, string reason);
}
