using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

namespace EdgeNode.Testing;

/// <summary>An operator's MQTT v5 client: sends commands with a response topic and correlation data and waits for the reply.</summary>
public sealed class CommandClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _responseTopic;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandAnswer>> _pending = new();
    private readonly ConcurrentQueue<CommandAnswer> _all = new();

    private CommandClient(IMqttClient client, string responseTopic)
    {
        _client = client;
        _responseTopic = responseTopic;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var correlation = Convert.ToHexString(m.CorrelationData ?? []);
            var answer = new CommandAnswer(Encoding.UTF8.GetString(m.Payload), m.CorrelationData ?? []);
            _all.Enqueue(answer);
            if (_pending.TryRemove(correlation, out var waiter))
            {
                waiter.TrySetResult(answer);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Every reply received, in arrival order.</summary>
    public IReadOnlyList<CommandAnswer> Replies => _all.ToArray();

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> and subscribes to a private response topic, or to
    /// <paramref name="responseTopic"/> (behind the shipped ACL: under <c>edgenode/{node}/</c>).
    /// </summary>
    public static async Task<CommandClient> ConnectAsync(int port, Action<MqttClientOptionsBuilder>? configure = null, string? responseTopic = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        responseTopic ??= "operator/" + Guid.NewGuid().ToString("N")[..8] + "/replies";
        var result = new CommandClient(client, responseTopic);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("operator-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true);
        configure?.Invoke(builder);
        await client.ConnectAsync(builder.Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(responseTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result;
    }

    /// <summary>Sends <paramref name="payload"/> to <paramref name="topic"/> and waits for the reply with the same correlation data.</summary>
    public async Task<CommandAnswer> SendAsync(string topic, byte[] payload, TimeSpan timeout)
    {
        var correlation = Guid.NewGuid().ToByteArray();
        var waiter = new TaskCompletionSource<CommandAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[Convert.ToHexString(correlation)] = waiter;
        await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic(_responseTopic)
            .WithCorrelationData(correlation)
            .Build());
        var answer = await waiter.Task.WaitAsync(timeout);
        Assert.Equal(correlation, answer.CorrelationData);
        return answer;
    }

    /// <summary>
    /// Sends <c>{}</c> to <paramref name="topic"/> until a reply comes: the node publishes its birth before its
    /// command subscription is in place, so the birth alone does not say that commands are heard yet.
    /// </summary>
    public async Task<CommandAnswer> WaitReadyAsync(string topic, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await SendAsync(topic, "{}"u8.ToArray(), TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not subscribed yet; the unanswered request is simply lost.
            }
        }
    }

    /// <summary>Sends a UTF-8 text payload.</summary>
    public Task<CommandAnswer> SendAsync(string topic, string payload, TimeSpan timeout) => SendAsync(topic, Encoding.UTF8.GetBytes(payload), timeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}

/// <summary>A command reply.</summary>
/// <param name="Json">The reply's JSON text.</param>
/// <param name="CorrelationData">Its correlation data.</param>
public sealed record CommandAnswer(string Json, byte[] CorrelationData)
{
    /// <summary>The reply's <c>ok</c>.</summary>
    public bool Ok => Root.GetProperty("ok").GetBoolean();

    /// <summary>The error code of a failed reply, or null.</summary>
    public string? ErrorCode => Root.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    /// <summary>The parsed reply.</summary>
    public JsonElement Root => JsonDocument.Parse(Json).RootElement;
}
