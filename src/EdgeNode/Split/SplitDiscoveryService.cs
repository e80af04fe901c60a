namespace EdgeNode.Split;

/// <summary>
/// Split inference's discovery and status on MQTT (activations never go over MQTT): a tail keeps a retained
/// <c>{prefix}/{node}/split/tail</c> (its URL, model and tail hashes, cut, streams, frames) and clears it when it stops; a
/// head keeps a retained <c>{prefix}/{node}/split/head</c> (its tail, mode, reason, frame counts; cleared too) and, with
/// <c>EdgeNode__Split__Peer=auto</c>, follows <c>{prefix}/+/split/tail</c> into <see cref="SplitPeers"/>.
/// Republished every <c>EdgeNode__Split__StatusSeconds</c> and at each (re)connect.
/// </summary>
internal sealed class SplitDiscoveryService(
    IMessageBus bus,
    NodeIdentity identity,
    SplitStatus status,
    IOptions<SplitOptions> options,
    TimeProvider time,
    ILogger<SplitDiscoveryService> logger,
    SplitPeers? peers = null,
    TailModel? tail = null) : BackgroundService
{
    private string Topic => SplitTopics.Of(identity.Topics.Prefix, identity.NodeId, status.Role);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (peers is { Auto: true })
        {
            // Subscribed before the connection comes up: the bus restores it on every (re)connect, and the retained
            // announcements arrive at each subscribe.
            await bus.SubscribeAsync(SplitTopics.Of(identity.Topics.Prefix, "+", "tail"), OnAnnouncementAsync, cancellationToken);
        }

        bus.Connected += PublishAsync;
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Connected -= PublishAsync;
        await base.StopAsync(cancellationToken);
        if (bus.IsConnected)
        {
            // An empty retained message removes the status: heads stop choosing a tail that is gone, and a head that
            // stopped is no longer listed as served.
            await TryPublishAsync(new BusMessage(Topic, ReadOnlyMemory<byte>.Empty, 1, Retain: true), cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.StatusSeconds), time);
        try
        {
            do
            {
                if (bus.IsConnected)
                {
                    await PublishAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; StopAsync clears the retained status.
        }
    }

    private Task PublishAsync(CancellationToken cancellationToken) =>
        TryPublishAsync(new BusMessage(Topic, tail is not null ? TailJson(tail) : HeadJson(), 1, Retain: true), cancellationToken);

    private async Task TryPublishAsync(BusMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await bus.PublishAsync(message, cancellationToken);
        }
        catch (MessageBusException ex)
        {
            NodeLog.SplitStatusNotPublished(logger, ex.Message); // the next tick or connect publishes again
        }
    }

    private byte[] TailJson(TailModel model)
    {
        var m = model.Cut.Manifest;
        return Write(w =>
        {
            w.WriteString("node", identity.NodeId);
            w.WriteString("url", options.Value.AdvertisedUrl);
            w.WriteString("model", m.Model);
            w.WriteString("modelSha256", m.ModelSha256);
            w.WriteString("tailSha256", m.TailSha256);
            w.WriteString("cut", model.Cut.Name);
            w.WriteNumber("streams", status.Streams);
            w.WriteNumber("frames", status.TailFrames);
        });
    }

    private byte[] HeadJson() => Write(w =>
    {
        w.WriteString("node", identity.NodeId);
        w.WriteString("split", status.Mode);
        w.WriteString("peer", status.Peer);
        w.WriteString("reason", status.Reason);
        w.WriteNumber("remoteFrames", status.RemoteFrames);
        w.WriteNumber("localFrames", status.LocalFrames);
        w.WriteNumber("cachedFrames", status.CachedFrames);
    });

    private byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteString("ts", time.GetUtcNow());
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private Task OnAnnouncementAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var node = SplitTopics.NodeOf(identity.Topics.Prefix, message.Topic);
        if (node is null)
        {
            return Task.CompletedTask;
        }

        if (message.Payload.IsEmpty)
        {
            peers!.Announce(node, null);
            return Task.CompletedTask;
        }

        try
        {
            using var json = JsonDocument.Parse(message.Payload);
            var root = json.RootElement;
            var url = root.GetProperty("url").GetString();
            if (!SplitOptionsValidator.IsHttpUrl(url, out _))
            {
                throw new FormatException($"'{url}' is not an http:// or https:// URL");
            }

            peers!.Announce(node, new TailAnnouncement(
                node,
                url!,
                root.GetProperty("modelSha256").GetString() ?? string.Empty,
                root.GetProperty("tailSha256").GetString() ?? string.Empty,
                root.GetProperty("cut").GetString() ?? string.Empty,
                root.GetProperty("streams").GetInt32(),
                root.GetProperty("frames").GetInt64()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            NodeLog.SplitDiscoveryIgnored(logger, message.Topic, ex.Message);
        }

        return Task.CompletedTask;
    }
}
