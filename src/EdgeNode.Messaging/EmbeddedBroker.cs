using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace EdgeNode.Messaging;

/// <summary>The zero-configuration in-process MQTT v5 broker (MQTTnet.Server) on Host:Port.</summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ILogger _logger;
    private readonly string _endpoint;

    /// <summary>Creates the broker bound to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public EmbeddedBroker(string host, int port, ILogger<EmbeddedBroker> logger)
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _server.Dispose();
    }
}
