using System.Net;
using System.Reflection;
using EdgeNode.Messaging.Broker;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace EdgeNode.Messaging;

/// <summary>The zero-configuration in-process MQTT v5 broker (MQTTnet.Server) on Host:Port.</summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ILogger _logger;
    private readonly string _endpoint;

    /// <summary>Creates the broker bound to <paramref name="host"/>:<paramref name="port"/>, open to anyone who reaches it.</summary>
    public EmbeddedBroker(string host, int port, ILogger<EmbeddedBroker> logger)
        : this(host, port, logger, null, 0)
    {
    }

    /// <summary>
    /// Creates the broker bound to <paramref name="host"/>:<paramref name="port"/>; with <paramref name="access"/>, every
    /// client logs in and the ACL applies; publishes larger than <paramref name="maxPacketBytes"/> (when above 0) are
    /// refused and not routed.
    /// </summary>
    public EmbeddedBroker(string host, int port, ILogger<EmbeddedBroker> logger, BrokerAccessControl? access, int maxPacketBytes)
    {
        _logger = logger;
        _endpoint = $"{host}:{port}";
        var address = host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions(false)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += AssignClientId;
        access?.Attach(_server);
        if (maxPacketBytes > 0)
        {
            _server.InterceptingPublishAsync += args => RefuseLarger(args, maxPacketBytes);
        }
    }

    /// <summary>
    /// The broker <paramref name="options"/> ask for: on a loopback address open (unless a password file is set), on any
    /// other address authenticated with <c>BrokerPasswordFile</c> and the ACL, else refused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The security settings cannot be used; the message names the key.</exception>
    public static EmbeddedBroker FromOptions(MqttOptions options, ILogger<EmbeddedBroker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        BrokerAccessControl? access;
        try
        {
            access = BrokerAccessControl.FromOptions(options);
        }
        catch (BrokerSecurityException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        return new EmbeddedBroker(options.Host, options.Port, logger, access, options.MaxPacketBytes);
    }

    // MQTTnet has read the packet by now; refusing it keeps it from being copied to every subscriber.
    private static Task RefuseLarger(InterceptingPublishEventArgs args, int maxPacketBytes)
    {
        if (args.ApplicationMessage.Payload.Length > maxPacketBytes)
        {
            args.ProcessPublish = false;
            args.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.QuotaExceeded;
            args.Response.ReasonString = $"larger than the broker's maximum of {maxPacketBytes} bytes";
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts listening.</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public async Task StartAsync()
    {
        try
        {
            await _server.StartAsync();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new IOException($"The embedded MQTT broker cannot listen on {_endpoint}: {ex.Message}. Set EdgeNode__Mqtt__Port to a free port, or EdgeNode__Mqtt__EmbeddedBroker=false to use the broker already there.", ex);
        }

        Log.BrokerStarted(_logger, _endpoint);
    }

    /// <summary>Stops the broker.</summary>
    public Task StopAsync() => _server.IsStarted ? _server.StopAsync(new MqttServerStopOptions()) : Task.CompletedTask;

    // A client may connect with an empty client id and a clean session (mosquitto_sub does by default);
    // MQTT says the server then assigns one [MQTT-3.1.3-6]. MQTTnet 5 does so for v5 clients only, so for
    // v3.1.1 the id is set on the CONNECT packet itself before MQTTnet checks it.
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.NonPublic | BindingFlags.Instance);

    private static Task AssignClientId(ValidatingConnectionEventArgs args)
    {
        if (string.IsNullOrEmpty(args.ClientId))
        {
            var id = "auto-" + Guid.NewGuid().ToString("N");
            args.AssignedClientIdentifier = id;
            if (ConnectPacketField?.GetValue(args) is MqttConnectPacket { CleanSession: true } packet)
            {
                packet.ClientId = id;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _server.Dispose();
    }
}
