namespace EdgeNode.Outbox;

/// <summary>
/// Store-and-forward: publishes committed messages with their kind's <see cref="MessageDelivery"/> (QoS 1) and marks them delivered only after the
/// broker's acknowledgement. Each connection is a session of two lanes: the backlog found at connect
/// drains oldest first at <see cref="OutboxOptions.BacklogMessagesPerSecond"/>, while newer (live) items go
/// out as they are stored. Both stream from the database in batches with a window of publishes in flight
/// (<see cref="OutboxDrain"/>), so a backlog of any size costs the same memory; a restart resumes from the oldest
/// undelivered row, so a message is sent again only when its acknowledgement was lost (QoS 1 semantics).
/// </summary>
internal sealed class OutboxPublisherService(
    IOutboxStore store,
    IMessageBus bus,
    OutboxSignal signal,
    MessageWriter writer,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    OutboxDeadLetters deadLetters,
    ILogger<OutboxPublisherService> logger) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;
    private long _liveAfter;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!bus.IsConnected)
        {
            return;
        }

        // One last drain of the live items the pipeline committed while stopping, bounded by the shutdown
        // timeout; an unfinished backlog stays for the next start at its own pace.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await PublishRangeAsync(Interlocked.Read(ref _liveAfter), long.MaxValue, 0, cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MessageBusException or IOException)
        {
            NodeLog.OutboxFinalDrainIncomplete(logger, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bus.Connected += _ =>
        {
            signal.Set();
            return Task.CompletedTask;
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                if (bus.IsConnected)
                {
                    await RunSessionAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (MessageBusException ex)
            {
                NodeLog.OutboxPublishFailed(logger, ex.Message);
            }
            catch (IOException ex)
            {
                NodeLog.OutboxStorageFailed(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    /// <summary>One connected period: backlog lane and live lane side by side until the connection drops.</summary>
    private async Task RunSessionAsync(CancellationToken stoppingToken)
    {
        var backlogEnd = (await store.GetStatsAsync(stoppingToken)).LastSeq;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var backlog = RunLaneAsync(() => PublishRangeAsync(0, backlogEnd, _options.BacklogMessagesPerSecond, session.Token), session);
        var live = RunLaneAsync(() => LiveAsync(backlogEnd, session.Token), session);
        await Task.WhenAll(backlog, live);
    }

    private static async Task RunLaneAsync(Func<Task> lane, CancellationTokenSource session)
    {
        try
        {
            await lane();
        }
        catch
        {
            // One lane failing (connection lost) ends the session; the other stops with it.
            await session.CancelAsync();
            throw;
        }
    }

    private async Task LiveAsync(long after, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _liveAfter, after);
        while (bus.IsConnected)
        {
            await store.ReportDropsAsync(CreateDropReport, cancellationToken);
            after = await PublishRangeAsync(after, long.MaxValue, 0, cancellationToken);
            Interlocked.Exchange(ref _liveAfter, after);
            await signal.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
        }

        throw new MessageBusException("Connection to the broker lost.");
    }

    /// <summary>
    /// Publishes undelivered messages with <c>after &lt; seq ≤ end</c>, oldest first, at most
    /// <paramref name="ratePerSecond"/> (0: unlimited), through a pipelined <see cref="OutboxDrain"/>; returns the last seq handled.
    /// </summary>
    private async Task<long> PublishRangeAsync(long after, long end, double ratePerSecond, CancellationToken cancellationToken)
    {
        using var drain = new OutboxDrain(store, bus, _options, time, DeadLetterAsync);
        return await drain.RunAsync(after, end, ratePerSecond, cancellationToken);
    }

    /// <summary>
    /// Takes refused rows out of the queue (marked handled, kept in the database until retention as any delivered
    /// row), counts them and records each as a <c>dead-lettered</c> event; a refused event records nothing more, so
    /// an events topic the broker refuses cannot feed itself.
    /// </summary>
    private async Task DeadLetterAsync(IReadOnlyList<(OutboxMessage Message, string Reason)> refused)
    {
        if (refused.Count == 0)
        {
            return;
        }

        var events = new List<PendingMessage>(refused.Count);
        foreach (var (message, reason) in refused)
        {
            deadLetters.Add();
            NodeLog.OutboxDeadLettered(logger, message.Seq, message.Topic, reason);
            if (message.Kind != MessageKind.Event)
            {
                events.Add(writer.Create(MessageKind.Event, writer.Topics.Events, time.GetUtcNow(), null, (message, reason), OutboxEventJson.WriteDeadLettered));
            }
        }

        await store.MarkDeliveredAsync([.. refused.Select(r => r.Message.Seq)], CancellationToken.None);
        if (events.Count > 0)
        {
            await store.AppendAsync(events, CancellationToken.None);
        }
    }

    private PendingMessage CreateDropReport(long dropped, long seq)
    {
        NodeLog.OutboxDropsReported(logger, dropped);
        return writer.Create(MessageKind.Event, writer.Topics.Events, time.GetUtcNow(), seq, dropped, OutboxEventJson.WriteDropped);
    }
}
