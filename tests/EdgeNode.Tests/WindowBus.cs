using System.Collections.Concurrent;
using EdgeNode.Core;

namespace EdgeNode.Tests;

/// <summary>
/// The bus port with the broker's answers in the test's hands: each publish waits for its PUBACK until the test
/// acknowledges it (oldest first, as a broker on one connection does), refuses it (PUBACK ≥ 0x80) or drops the
/// connection. Records every PUBLISH in order and the most publishes that ever awaited a PUBACK at once.
/// </summary>
internal sealed class WindowBus : IMessageBus
{
    private readonly Lock _gate = new();
    private readonly Queue<(BusMessage Message, TaskCompletionSource Ack)> _awaiting = new();
    private int _maxAwaiting;
    private volatile bool _connected = true;

    public event Func<CancellationToken, Task>? Connected;

    public bool IsConnected => _connected;

    /// <summary>The Receive Maximum the fake broker announced.</summary>
    public int ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Every PUBLISH, in the order it reached the bus (a re-send appears again).</summary>
    public ConcurrentQueue<BusMessage> Sent { get; } = new();

    /// <summary>Publishes awaiting their PUBACK now.</summary>
    public int Awaiting
    {
        get
        {
            lock (_gate)
            {
                return _awaiting.Count;
            }
        }
    }

    /// <summary>The most publishes that awaited a PUBACK at once.</summary>
    public int MaxAwaiting
    {
        get
        {
            lock (_gate)
            {
                return _maxAwaiting;
            }
        }
    }

    public Task PublishAsync(BusMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_connected)
            {
                return Task.FromException(new MessageBusException("Not connected (test)."));
            }

            var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaiting.Enqueue((message, ack));
            Sent.Enqueue(message);
            _maxAwaiting = Math.Max(_maxAwaiting, _awaiting.Count);
            return ack.Task;
        }
    }

    /// <summary>Acknowledges the oldest <paramref name="count"/> publishes; returns what they carried.</summary>
    public List<BusMessage> Acknowledge(int count)
    {
        var acked = new List<BusMessage>();
        lock (_gate)
        {
            while (acked.Count < count && _awaiting.TryDequeue(out var item))
            {
                item.Ack.TrySetResult();
                acked.Add(item.Message);
            }
        }

        return acked;
    }

    /// <summary>Answers the oldest publish with PUBACK 0x87 (not authorized), as an ACL does; returns it.</summary>
    public BusMessage Refuse()
    {
        lock (_gate)
        {
            var (message, ack) = _awaiting.Dequeue();
            ack.TrySetException(new MessageBusException($"The broker refused the message on '{message.Topic}': NotAuthorized (test)") { RefusedByBroker = true });
            return message;
        }
    }

    /// <summary>Loses the connection: every publish awaiting its PUBACK fails, and so does every later one until <see cref="ReconnectAsync"/>.</summary>
    public void Disconnect()
    {
        lock (_gate)
        {
            _connected = false;
            while (_awaiting.TryDequeue(out var item))
            {
                item.Ack.TrySetException(new MessageBusException("Connection lost (test)."));
            }
        }
    }

    /// <summary>Comes back, as the reconnect loop does: connected, then <see cref="Connected"/> raised.</summary>
    public Task ReconnectAsync()
    {
        _connected = true;
        return Connected?.Invoke(CancellationToken.None) ?? Task.CompletedTask;
    }

    public Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken) => Task.CompletedTask;
}
