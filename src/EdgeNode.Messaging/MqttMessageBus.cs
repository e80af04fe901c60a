using System.Security.Authentication;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging;

/// <summary>
/// The node's MQTT v5 connection. <see cref="RunAsync"/> is the reconnect loop (never reconnects inside
/// MQTTnet's Disconnected handler); every (re)connect publishes the retained <c>online</c> birth, restores
/// subscriptions and raises <see cref="Connected"/>. The will is the retained <c>offline</c>, or the message a will
/// provider returns for each CONNECT (the Sparkplug NDEATH).
/// </summary>
public sealed class MqttMessageBus : IMessageBus, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly NodeTopics _topics;
    private readonly string _clientId;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly MqttClientOptionsFactory _clientOptions;
    private readonly MqttSubscriptions _subscriptions;
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private readonly Func<CancellationToken, Task<BusMessage>>? _willProvider;
    private BusMessage? _will;
    private CancellationToken _stopping;
    private volatile bool _ready;

    /// <summary>Creates the bus (nothing connects before <see cref="RunAsync"/>); <paramref name="willProvider"/> gives each CONNECT's will instead of <c>offline</c>.</summary>
    public MqttMessageBus(MqttOptions options, NodeTopics topics, string clientId, ILogger<MqttMessageBus> logger, TimeProvider time, Func<CancellationToken, Task<BusMessage>>? willProvider = null)
    {
        _willProvider = willProvider;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _clientId = clientId;
        _logger = logger;
        _time = time;
        _clientOptions = new MqttClientOptionsFactory(options);
        _subscriptions = new MqttSubscriptions(logger);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <inheritdoc />
    public event Func<CancellationToken, Task>? Connected;

    /// <inheritdoc />
    public int ReceiveMaximum => InFlight.Limit;

    /// <summary>Every sender's QoS 1/2 publishes on this connection, held to <see cref="ReceiveMaximum"/>.</summary>
    internal InFlightGate InFlight { get; } = new();

    /// <summary>True once connected and the birth and subscriptions are in place.</summary>
    public bool IsConnected => _ready && _client.IsConnected;

    /// <summary>Connects, and reconnects with back-off after every loss, until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var delay = TimeSpan.FromSeconds(_options.ReconnectDelaySeconds);
        var maxDelay = TimeSpan.FromSeconds(_options.MaxReconnectDelaySeconds);
        var reportedDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await ConnectAsync(stoppingToken);
                    Log.Connected(_logger, _options.Host, _options.Port, _clientId);
                    reportedDown = false;
                    delay = TimeSpan.FromSeconds(_options.ReconnectDelaySeconds);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                // InvalidOperationException: MQTTnet is still tearing the lost connection down ("connect/disconnect
                // is pending"); retrying after the delay is right, letting it escape would stop the host.
                // AuthenticationException and TLS file errors (an IOException): a refused handshake or a certificate
                // being replaced; the next attempt reads the files again.
                catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or MessageBusException or System.Net.Sockets.SocketException or IOException or InvalidOperationException or AuthenticationException)
                {
                    if (!reportedDown)
                    {
                        var (refused, reason) = ConnectFailure.Describe(ex, _options, _clientOptions.LastTlsRejection);
                        if (refused)
                        {
                            Log.ConnectRefused(_logger, _options.Host, _options.Port, reason);
                        }
                        else
                        {
                            Log.ConnectFailed(_logger, _options.Host, _options.Port, reason);
                        }

                        reportedDown = true;
                    }

                    try
                    {
                        await Task.Delay(delay, _time, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
                    continue;
                }
            }

            try
            {
                await _disconnected.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync(BusMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_client.IsConnected)
        {
            throw new MessageBusException($"Not connected to the broker; cannot publish to '{message.Topic}'.");
        }

        var acknowledged = message.QualityOfService > 0;
        await InFlight.EnterAsync(acknowledged, cancellationToken);
        try
        {
            MqttMessages.ThrowIfRefused(await _client.PublishAsync(MqttMessages.ToApplicationMessage(message), cancellationToken), message.Topic);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException)
        {
            throw new MessageBusException($"Publishing to '{message.Topic}' failed: {ex.Message}", ex);
        }
        finally
        {
            InFlight.Exit(acknowledged);
        }
    }

    /// <inheritdoc />
    public async Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        _subscriptions.Add(topicFilter, handler);
        if (_client.IsConnected)
        {
            await _client.SubscribeAsync(_subscriptions.BrokerOptions([topicFilter]), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task SubscribeWithoutRetainedAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        _subscriptions.WithoutRetained(topicFilter);
        await SubscribeAsync(topicFilter, handler, cancellationToken);
    }

    /// <summary>The <c>rebirth</c> command: the retained <c>online</c> birth again and every <see cref="Connected"/> callback (discovery, Sparkplug NBIRTH) re-run.</summary>
    public async Task RebirthAsync(CancellationToken cancellationToken)
    {
        await PublishAsync(NodeStatus.Online(_topics), cancellationToken);
        await RaiseConnectedAsync(cancellationToken);
    }

    /// <summary>
    /// Publishes the retained <c>offline</c> status and disconnects cleanly, so the broker drops the will; a will
    /// from the provider (the Sparkplug NDEATH) is published explicitly, last before the DISCONNECT.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            await PublishAsync(NodeStatus.Offline(_topics), cancellationToken);
            if (_willProvider is not null && _will is { } will)
            {
                await PublishAsync(will, cancellationToken);
            }

            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }
        catch (Exception ex) when (ex is MessageBusException or MqttCommunicationException or OperationCanceledException)
        {
            Log.CleanStopFailed(_logger, ex.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _clientOptions.Dispose();
        _disconnected.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var will = _willProvider is null ? NodeStatus.Offline(_topics) : await _willProvider(cancellationToken);
        _will = will;
        var builder = _clientOptions.Create(_clientId)
            .WithCleanStart(true)
            .WithWillTopic(will.Topic)
            .WithWillPayload(will.Payload.ToArray())
            .WithWillRetain(will.Retain)
            .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)will.QualityOfService);

        _ready = false;
        var result = await _client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MessageBusException($"The broker refused the connection: {result.ResultCode} {result.ReasonString}".TrimEnd());
        }

        InFlight.SetLimit(result.ReceiveMaximum is > 0 and var announced ? announced : ushort.MaxValue); // absent: the protocol's

        // Subscriptions first: an operator who sees "online" may send a command at once, and it must not be lost.
        var filters = _subscriptions.Filters();
        if (filters.Length > 0)
        {
            await _client.SubscribeAsync(_subscriptions.BrokerOptions(filters), cancellationToken);
        }

        try
        {
            await PublishAsync(NodeStatus.Online(_topics), cancellationToken);
        }
        catch (MessageBusException ex) when (_client.IsConnected)
        {
            // Connected but not allowed to announce itself (an ACL for another user name): drop the connection so the
            // loop retries with back-off, instead of staying connected without a birth, subscriptions or outbox.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            throw new MessageBusException($"{ex.Message} (the broker's ACL does not let this user publish the node's status; with the shipped ACL the MQTT user name must be the node id)", ex);
        }

        _ready = true;
        await RaiseConnectedAsync(cancellationToken);
    }

    private async Task RaiseConnectedAsync(CancellationToken cancellationToken)
    {
        foreach (var callback in Connected?.GetInvocationList().Cast<Func<CancellationToken, Task>>() ?? [])
        {
            await callback(cancellationToken);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        _ready = false;
        if (args.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            Log.Disconnected(_logger, args.Reason.ToString(), args.Exception?.Message ?? string.Empty);
        }

        if (_disconnected.CurrentCount == 0)
        {
            try
            {
                _disconnected.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: the loop will reconnect once.
            }
        }

        return Task.CompletedTask;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (message.Payload.Length > _options.MaxPacketBytes)
        {
            // A broker that ignores the Maximum Packet Size of the CONNECT: dropped before it is copied for the handlers.
            Log.OversizedMessageDropped(_logger, message.Topic, message.Payload.Length, _options.MaxPacketBytes);
            return Task.CompletedTask;
        }

        return _subscriptions.DispatchAsync(MqttMessages.FromApplicationMessage(message), _stopping);
    }
}
