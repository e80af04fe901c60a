using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeNode.Testing;

/// <summary>A subscriber that records every message it receives, for assertions.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private MqttProbe(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var bytes = m.Payload.ToArray();
            _messages.Enqueue(new ReceivedMessage(m.Topic, Encoding.UTF8.GetString(bytes), m.Retain, m.CorrelationData ?? [], DateTime.UtcNow)
            {
                Bytes = bytes,
                QualityOfService = (int)m.QualityOfServiceLevel,
            });
            _arrived.Release();
            return Task.CompletedTask;
        };
    }

    /// <summary>Everything received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedMessage> Messages => _messages.ToArray();

    /// <summary>The underlying client (to publish commands).</summary>
    public IMqttClient Client => _client;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> (MQTT v5) and subscribes to <paramref name="filters"/>.</summary>
    public static Task<MqttProbe> ConnectAsync(int port, params string[] filters) => ConnectAsync(port, _ => { }, filters);

    /// <summary>As <see cref="ConnectAsync(int, string[])"/>, with <paramref name="configure"/> adding credentials or TLS.</summary>
    public static async Task<MqttProbe> ConnectAsync(int port, Action<MqttClientOptionsBuilder> configure, params string[] filters)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var client = new MqttClientFactory().CreateMqttClient();
        var probe = new MqttProbe(client);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true);
        configure(builder);
        await client.ConnectAsync(builder.Build());
        foreach (var filter in filters)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        return probe;
    }

    /// <summary>Messages on topics matching <paramref name="topicSuffix"/>.</summary>
    public IReadOnlyList<ReceivedMessage> On(string topicSuffix) =>
        Messages.Where(m => m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds over the messages, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitUntilAsync(Func<IReadOnlyList<ReceivedMessage>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = Messages;
            if (condition(snapshot))
            {
                return snapshot;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; received {snapshot.Count} messages: {string.Join(" | ", snapshot.TakeLast(5).Select(m => m.Topic + " " + m.Payload))}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
        _arrived.Dispose();
    }
}

/// <summary>One received message.</summary>
/// <param name="Topic">Topic.</param>
/// <param name="Payload">UTF-8 payload.</param>
/// <param name="Retain">Retain flag as delivered.</param>
/// <param name="CorrelationData">MQTT v5 correlation data.</param>
/// <param name="ReceivedAt">Arrival time.</param>
public sealed record ReceivedMessage(string Topic, string Payload, bool Retain, byte[] CorrelationData, DateTime ReceivedAt)
{
    /// <summary>The raw payload (binary payloads such as Sparkplug B do not survive <see cref="Payload"/>'s UTF-8).</summary>
    public byte[] Bytes { get; init; } = [];

    /// <summary>QoS as delivered (the probe subscribes with QoS 1, so this is the publisher's QoS).</summary>
    public int QualityOfService { get; init; }
}
