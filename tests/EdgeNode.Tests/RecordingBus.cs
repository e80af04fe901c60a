using System.Collections.Concurrent;
using EdgeNode.Core;

namespace EdgeNode.Tests;

/// <summary>
/// The bus port (<see cref="IMessageBus"/>) at its lowest seam: records what is published, acknowledges at once, and
/// can lose the connection after a number of publishes. The real MQTT bus is tested in EdgeNode.Messaging.Tests and
/// with the whole node in EdgeNode.IntegrationTests.
/// </summary>
internal sealed class RecordingBus : IMessageBus
{
    private int _failAfter = int.MaxValue;

    public event Func<CancellationToken, Task>? Connected;

    public bool IsConnected { get; set; } = true;

    public ConcurrentQueue<BusMessage> Published { get; } = new();

    /// <summary>After this many more successful publishes, every publish fails and the bus reports itself offline.</summary>
    public void LoseConnectionAfter(int publishes) => _failAfter = publishes;

    public Task PublishAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (!IsConnected || Interlocked.Decrement(ref _failAfter) < 0)
        {
            IsConnected = false;
            throw new MessageBusException("Connection lost (test).");
        }

        Published.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RaiseConnectedAsync() => Connected?.Invoke(CancellationToken.None) ?? Task.CompletedTask;
}
