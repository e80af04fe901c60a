using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Pipeline;

/// <summary>
/// Capture → bounded drop-oldest channel → <see cref="FrameProcessor"/> → result committed to the outbox
/// (<see cref="MessageWriter"/>) → publisher. Capture never waits for inference, storage or MQTT; a lost broker only
/// grows the outbox.
/// </summary>
internal sealed class PipelineService(
    IFrameSource source,
    FrameChannel channel,
    FrameProcessor processor,
    MessageWriter writer,
    ILogger<PipelineService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var seq = await writer.LastSequenceAsync(MessageKind.Result, stoppingToken);
        var model = processor.Model;
        NodeLog.PipelineStarted(logger, source.Name, model.Id, model.ExecutionProvider, seq);

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
                    var message = writer.Create(MessageKind.Result, writer.Topics.Results, result.Id, result.Timestamp, result.Seq, result, ResultJson.WriteBody, 320);
                    try
                    {
                        await writer.AppendAsync([message]);
                    }
                    catch (IOException ex)
                    {
                        // Full disk or I/O error: the store counts and reports it; the node keeps running.
                        NodeLog.PipelineStoreFailed(logger, result.Seq, ex.Message);
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
}
