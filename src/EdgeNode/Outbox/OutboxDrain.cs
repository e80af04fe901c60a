using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace EdgeNode.Outbox;

/// <summary>
/// One pass of a lane over the undelivered rows with <c>after &lt; seq ≤ end</c>, oldest first, as fast as the broker
/// acknowledges: up to <see cref="OutboxOptions.MaxInFlight"/> QoS 1 publishes await their PUBACK at once, the window
/// stays full across batches (the next rows are read while the current ones are in flight), and PUBACKs are marked
/// delivered in group commits (<see cref="DeliveryMarks"/>).
/// </summary>
/// <remarks>
/// Publishes are started one after the other on the one connection, so they leave (and the broker forwards them) in
/// seq order: a lane keeps its order whatever the window. Their outcomes are taken in the same order by one loop, so
/// marks come in runs of consecutive rows and dead letters in seq order. A publish the broker refuses (PUBACK ≥ 0x80)
/// is handed to the dead-letter callback and the pass goes on; any other failure (the connection lost) stops new
/// publishes, lets those in flight finish, commits what was acknowledged and is rethrown: the failed row and every row
/// after it stay undelivered and go out again, in order, at the next session. Memory is two batches and the window,
/// whatever the backlog.
/// </remarks>
internal sealed class OutboxDrain : IDisposable
{
    private readonly IOutboxStore _store;
    private readonly IMessageBus _bus;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<(OutboxMessage Message, string Reason)>, Task> _deadLetter;
    private readonly SemaphoreSlim _window;
    private readonly DeliveryMarks _marks;
    private readonly ConcurrentQueue<(OutboxMessage Message, string Reason)> _refused = new();
    private readonly Channel<(OutboxMessage Message, Task Publish)> _inFlight =
        Channel.CreateUnbounded<(OutboxMessage, Task)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile ExceptionDispatchInfo? _failure;

    /// <summary>A pass with its own window and marks (used once); <paramref name="deadLetter"/> takes refused rows out of the queue.</summary>
    public OutboxDrain(IOutboxStore store, IMessageBus bus, OutboxOptions options, TimeProvider time, Func<IReadOnlyList<(OutboxMessage Message, string Reason)>, Task> deadLetter)
    {
        _store = store;
        _bus = bus;
        _options = options;
        _time = time;
        _deadLetter = deadLetter;
        Window = WindowFor(options.MaxInFlight, bus.ReceiveMaximum);
        _window = new SemaphoreSlim(Window, Window);
        _marks = new DeliveryMarks(store);
    }

    /// <summary>Publishes of this lane that may await their PUBACK at once (<see cref="WindowFor"/>).</summary>
    public int Window { get; }

    /// <summary>
    /// A lane's window: <paramref name="maxInFlight"/>, but never more than the broker's Receive Maximum allows two lanes
    /// on one connection, with <see cref="ReservedForOthers"/> left for telemetry, events and command replies; at least 1.
    /// </summary>
    public static int WindowFor(int maxInFlight, int receiveMaximum) =>
        Math.Clamp((receiveMaximum - ReservedForOthers) / 2, 1, Math.Max(1, maxInFlight));

    /// <summary>QoS 1 publishes of the connection's other senders (telemetry, events, command replies) kept out of the lanes' share.</summary>
    public const int ReservedForOthers = 4;

    /// <summary>
    /// Publishes the rows at most <paramref name="ratePerSecond"/> (0: unlimited) and returns the last seq handled.
    /// Cancellation stops new publishes; those started still complete and are marked (cancelling one between
    /// PUBLISH and PUBACK would leave a row the broker has as undelivered, sent a second time by the next pass).
    /// </summary>
    public async Task<long> RunAsync(long after, long end, double ratePerSecond, CancellationToken cancellationToken)
    {
        var outcomes = TakeOutcomesAsync();
        var started = _time.GetTimestamp();
        long sent = 0;
        var next = ReadAsync(after, cancellationToken);
        try
        {
            while (next is not null && _failure is null)
            {
                var batch = await next;
                next = null;
                var count = CountUpTo(batch, end);
                if (count == 0)
                {
                    break;
                }

                var last = batch[count - 1].Seq;
                if (count == _options.BatchSize && last < end)
                {
                    next = ReadAsync(last, cancellationToken);
                }

                for (var i = 0; i < count; i++)
                {
                    if (ratePerSecond > 0)
                    {
                        await PaceAsync(started, sent, ratePerSecond, cancellationToken);
                    }

                    await _window.WaitAsync(cancellationToken);
                    if (_failure is not null)
                    {
                        _window.Release();
                        break;
                    }

                    _inFlight.Writer.TryWrite((batch[i], PublishAsync(batch[i])));
                    sent++;
                }

                after = last;
                await _marks.WaitForRoomAsync(_options.BatchSize);
                await DeadLetterRefusedAsync();
            }
        }
        finally
        {
            _inFlight.Writer.TryComplete();
            await SettleAsync(outcomes, next);
        }

        _failure?.Throw();
        return after;
    }

    /// <inheritdoc />
    public void Dispose() => _window.Dispose();

    private static int CountUpTo(IReadOnlyList<OutboxMessage> batch, long end)
    {
        var count = 0;
        while (count < batch.Count && batch[count].Seq <= end)
        {
            count++;
        }

        return count;
    }

    /// <summary>On the pool: Microsoft.Data.Sqlite reads synchronously, and the read must overlap the publishes in flight.</summary>
    private Task<IReadOnlyList<OutboxMessage>>? ReadAsync(long after, CancellationToken cancellationToken) =>
        Task.Run(async () => await _store.ReadPendingAsync(after, _options.BatchSize, cancellationToken), cancellationToken);

    private Task PublishAsync(OutboxMessage message)
    {
        try
        {
            // Not cancelled once started: see RunAsync.
            return _bus.PublishAsync(MessageDelivery.ToBusMessage(message), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A bus that throws before its first await: the outcome loop takes it like any failed publish.
            return Task.FromException(ex);
        }
    }

    /// <summary>The one loop that takes the publishes' outcomes, oldest first, and frees their window slots.</summary>
    private async Task TakeOutcomesAsync()
    {
        await foreach (var (message, publish) in _inFlight.Reader.ReadAllAsync())
        {
            try
            {
                await publish;
                _marks.Add(message.Seq);
            }
            catch (MessageBusException ex) when (ex.RefusedByBroker)
            {
                // The broker answered "no" (e.g. an ACL after a node id change): retrying gets the same answer.
                _refused.Enqueue((message, ex.Message));
            }
            catch (Exception ex)
            {
                // Not swallowed: the first failure stops the pass and RunAsync rethrows it once the window is settled.
                _failure ??= ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                _window.Release();
            }
        }
    }

    /// <summary>Waits for the outcomes of the publishes in flight and a read-ahead no longer needed, then commits marks and dead letters.</summary>
    private async Task SettleAsync(Task outcomes, Task<IReadOnlyList<OutboxMessage>>? next)
    {
        await outcomes;
        if (next is not null)
        {
            // Its rows are read again by the next pass; only its end matters (the store may close after this pass).
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            await _marks.FlushAsync();
        }
        finally
        {
            await DeadLetterRefusedAsync();
        }
    }

    private async Task DeadLetterRefusedAsync()
    {
        if (_refused.IsEmpty)
        {
            return;
        }

        var refused = new List<(OutboxMessage Message, string Reason)>();
        while (_refused.TryDequeue(out var item))
        {
            refused.Add(item);
        }

        await _deadLetter(refused);
    }

    private async Task PaceAsync(long started, long sent, double ratePerSecond, CancellationToken cancellationToken)
    {
        var ahead = TimeSpan.FromSeconds(sent / ratePerSecond) - _time.GetElapsedTime(started);
        if (ahead > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(ahead, _time, cancellationToken);
        }
    }
}
