using EdgeNode.Core;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging;

/// <summary>
/// The bus's subscriptions: kept across reconnects (the bus restores <see cref="Filters"/> on every connect) and
/// dispatched in order of registration; a failing handler is logged and never reaches the connection.
/// </summary>
internal sealed class MqttSubscriptions(ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly List<(string Filter, Func<BusMessage, CancellationToken, Task> Handler)> _subscriptions = [];
    private readonly HashSet<string> _withoutRetained = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="filter"/> as one the broker must not send retained messages for (commands).</summary>
    public void WithoutRetained(string filter)
    {
        lock (_gate)
        {
            _withoutRetained.Add(filter);
        }
    }

    /// <summary>The SUBSCRIBE for <paramref name="filters"/>: QoS 1, retain handling "do not send" where marked.</summary>
    public MqttClientSubscribeOptions BrokerOptions(IEnumerable<string> filters)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        lock (_gate)
        {
            foreach (var filter in filters)
            {
                var withoutRetained = _withoutRetained.Contains(filter);
                builder.WithTopicFilter(f => f
                    .WithTopic(filter)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainHandling(withoutRetained ? MqttRetainHandling.DoNotSendOnSubscribe : MqttRetainHandling.SendAtSubscribe));
            }
        }

        return builder.Build();
    }

    /// <summary>Adds a handler for <paramref name="filter"/>.</summary>
    public void Add(string filter, Func<BusMessage, CancellationToken, Task> handler)
    {
        lock (_gate)
        {
            _subscriptions.Add((filter, handler));
        }
    }

    /// <summary>The distinct topic filters to subscribe to at the broker.</summary>
    public string[] Filters()
    {
        lock (_gate)
        {
            return _subscriptions.Select(s => s.Filter).Distinct(StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Runs every handler whose filter matches <paramref name="message"/>'s topic, one after the other.</summary>
    public async Task DispatchAsync(BusMessage message, CancellationToken cancellationToken)
    {
        List<Func<BusMessage, CancellationToken, Task>> handlers;
        lock (_gate)
        {
            handlers = _subscriptions.Where(s => TopicFilter.Matches(message.Topic, s.Filter)).Select(s => s.Handler).ToList();
        }

        foreach (var handler in handlers)
        {
            try
            {
                await handler(message, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A faulty handler must never take the connection down; the handler owns its error replies.
                Log.HandlerFailed(logger, message.Topic, ex);
            }
        }
    }
}
